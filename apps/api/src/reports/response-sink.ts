import type { Response } from 'express';
import { Writable } from 'node:stream';

/**
 * Streams an export into the HTTP response with backpressure. It is not the response itself, so
 * that a failure before the first byte still leaves the response to the exception filter (a JSON
 * error), and a client that goes away stops the export (and its database cursor) at once.
 */
export class ResponseSink extends Writable {
  constructor(private readonly res: Response) {
    super();
    res.once('close', () => {
      if (!res.writableFinished) this.destroy(new Error('the client closed the connection before the export ended'));
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.res.write(chunk)) callback();
    else this.res.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.res.end(() => callback());
  }
}

/** attachment; with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function attachment(asciiName: string, utf8Name: string): string {
  return `attachment; filename="${asciiName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(utf8Name)}`;
}
