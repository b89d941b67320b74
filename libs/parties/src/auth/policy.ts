import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { ApiErrors } from '@app/errors';
import { Actor } from './actor';

export const POLICY_KEY = 'wl:policy';
export const PUBLIC_KEY = 'wl:public';

export interface PolicyContext {
  actor: Actor;
  request: Request;
  db: DataSource;
}

/**
 * A policy answers "may this caller do this?" for one route. It returns true or false (false is a
 * 403); when the caller may not even know a record exists it throws NOT_FOUND instead.
 */
export interface Policy {
  name: string;
  check(ctx: PolicyContext): boolean | Promise<boolean>;
}

/** Every non-public route names its policy; the PolicyGuard refuses a route that has none. */
export function Authorize(policy: Policy): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(POLICY_KEY, policy),
    ApiBearerAuth(),
    ApiExtension('x-policy', policy.name),
    ApiErrors('UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED'),
  );
}

/** No token needed (health, keys, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

export function policy(name: string, check: Policy['check']): Policy {
  return { name, check };
}

export function allOf(...policies: Policy[]): Policy {
  return policy(policies.map((p) => p.name).join(' & '), async (ctx) => {
    for (const p of policies) if (!(await p.check(ctx))) return false;
    return true;
  });
}

export function anyOf(...policies: Policy[]): Policy {
  return policy(policies.map((p) => p.name).join(' | '), async (ctx) => {
    for (const p of policies) if (await p.check(ctx)) return true;
    return false;
  });
}
