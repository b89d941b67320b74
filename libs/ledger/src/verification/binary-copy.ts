import type { Connection, PoolClient, Submittable } from 'pg';
import type { QueryRunner } from 'typeorm';

/**
 * Streams `COPY (<select>) TO STDOUT (FORMAT binary)` through node-postgres, handing each row's raw
 * bytes to a callback. This is how verification reads events: PostgreSQL writes every column with
 * its binary send function, which is exactly the event preimage encoding (event-encoding.ts), so
 * a row can be hashed where it lies in the socket buffer — no text parsing, no JSON, no per-column
 * objects. (node-postgres' own binary result mode cannot be used: it decodes bytea as UTF-8.)
 *
 * The object is a node-postgres "Submittable" (the interface pg-cursor and pg-copy-streams use):
 * the client calls submit() when the connection is free and routes the backend's messages to the
 * handle* methods. PostgreSQL sends one CopyData message per row; the first also carries the
 * 19-byte file header. The buffer a row lives in is reused after the callback returns, so the
 * callback must copy whatever it keeps.
 */
export type RowCallback = (buf: Buffer, start: number, end: number) => void;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

class BinaryCopyOut implements Submittable {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: unknown) => void;
  private failure: unknown = null;
  private headerSeen = false;
  private ended = false;
  private rows = 0;

  constructor(
    private readonly text: string,
    private readonly onRow: RowCallback,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    // The simple query protocol: COPY takes no bind parameters, callers inline validated literals.
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.failure) return; // keep draining; the error is reported when the command ends
    try {
      const chunk = message.chunk;
      let offset = 0;
      if (!this.headerSeen) {
        if (chunk.length < 19 || !chunk.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
        offset = 19 + chunk.readInt32BE(15); // skip the header extension area
        this.headerSeen = true;
        if (offset === chunk.length) return;
      }
      if (chunk.readInt16BE(offset) === -1) {
        this.ended = true;
        return;
      }
      this.rows++;
      this.onRow(chunk, offset, chunk.length);
    } catch (error) {
      this.failure = error;
    }
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (this.failure) this.reject(this.failure);
    else if (!this.ended) this.reject(new Error('binary COPY ended without its trailer'));
    else this.resolve(this.rows);
  }

  handleError(error: Error): void {
    // node-postgres forgets an erroring query before ReadyForQuery arrives: settle now.
    this.reject(error);
  }

  // A statement that is not a COPY would answer with rows: refuse rather than hang.
  handleRowDescription(): void {
    this.failure = new Error('expected a COPY TO STDOUT statement');
  }
  handleDataRow(): void {}
  handleEmptyQuery(): void {
    this.failure = new Error('empty query');
  }
}

/** The node-postgres client under a connected TypeORM query runner. */
export async function pgClientOf(runner: QueryRunner): Promise<PoolClient> {
  return (await runner.connect()) as PoolClient;
}

/** Runs one binary COPY to completion; resolves with the number of rows. */
export function copyBinary(client: PoolClient, sql: string, onRow: RowCallback): Promise<number> {
  const copy = new BinaryCopyOut(sql, onRow);
  client.query(copy);
  return copy.done;
}

/** A bigint literal for inlining into COPY: only digits pass. */
export function seqLiteral(value: bigint): string {
  if (value < 0n) throw new RangeError('seq must not be negative');
  return value.toString();
}
