import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthedRequest } from './auth.guard';

/** Rate limits per token; anonymous calls are limited per address. */
@Injectable()
export class TokenThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as AuthedRequest;
    return Promise.resolve(request.actor ? `token:${request.actor.tokenId}` : `ip:${request.ip ?? 'unknown'}`);
  }
}
