import { errorDefinition } from './error-codes';

/**
 * The one exception the domain throws. It carries a stable code (see error-codes.ts), the values
 * its message needs, and details for the client; the exception filter turns it into the error shape.
 */
export class DomainException extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, unknown> = {},
    readonly details: unknown = null,
    /** Extra response headers, e.g. Retry-After on a 503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'DomainException';
  }

  get status(): number {
    return errorDefinition(this.code).status;
  }
}
