import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const HEADER = 'x-request-id';
const ACCEPTABLE = /^[A-Za-z0-9._-]{1,64}$/;

type WithId = Request & { id?: string };

/**
 * Gives every request an id before anything else runs (body parsing included), so even a request
 * rejected for malformed JSON carries it. A well-formed incoming X-Request-Id is kept, so a client
 * or proxy can correlate; anything else is replaced.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers[HEADER];
  const id = typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
  (req as WithId).id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(req: Request, res?: Response): string {
  const existing = (req as WithId).id;
  if (existing) return existing;
  const id = randomUUID();
  (req as WithId).id = id;
  res?.setHeader('X-Request-Id', id);
  return id;
}
