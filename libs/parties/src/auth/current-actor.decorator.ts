import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainException } from '@app/errors';
import type { Actor } from './actor';
import type { AuthedRequest } from './auth.guard';

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthedRequest>().actor;
  if (!actor) throw new DomainException('UNAUTHENTICATED');
  return actor;
});
