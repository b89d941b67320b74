import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { CommandActor } from '@app/containers';
import { DomainException } from '@app/errors';
import type { AuthedRequest } from '@app/parties';

/** The caller as the ledger records it: organisation, user and (from X-Device-Id) device. */
export const CommandActorParam = createParamDecorator((_: unknown, context: ExecutionContext): CommandActor => {
  const request = context.switchToHttp().getRequest<AuthedRequest>();
  const actor = request.actor;
  if (!actor) throw new DomainException('UNAUTHENTICATED');
  if (!actor.organisationId) throw new DomainException('FORBIDDEN', {}, { reason: 'platform admins act on no organisation\'s behalf' });
  const device = request.headers['x-device-id'];
  return {
    organisationId: actor.organisationId,
    userId: actor.userId,
    device: typeof device === 'string' && /^[\w.:-]{1,64}$/.test(device) ? device : undefined,
  };
});
