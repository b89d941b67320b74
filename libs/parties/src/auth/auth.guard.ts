import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { DomainException } from '@app/errors';
import { Actor } from './actor';
import { POLICY_KEY, PUBLIC_KEY, Policy } from './policy';
import { TokenService } from './token.service';

export type AuthedRequest = Request & { actor?: Actor };

export function bearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
  return match ? match[1] : null;
}

/** Resolves the bearer token into an Actor. Runs before rate limiting, so limits are per token. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(request);
    const actor = token ? await this.tokens.resolve(token) : null;
    if (actor) request.actor = actor;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    if (!actor) throw new DomainException('UNAUTHENTICATED');
    return true;
  }
}

/** Authorisation in one place: every route's policy is checked here, and a route without one is refused. */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const policy = this.reflector.getAllAndOverride<Policy | undefined>(POLICY_KEY, [context.getHandler(), context.getClass()]);
    if (!request.actor) throw new DomainException('UNAUTHENTICATED');
    if (!policy) throw new DomainException('FORBIDDEN', {}, { reason: 'route has no policy' });
    if (!(await policy.check({ actor: request.actor, request, db: this.db }))) throw new DomainException('FORBIDDEN');
    return true;
  }
}
