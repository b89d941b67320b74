import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from '../reconciliation-options';
import { DrainWaker } from './drain-waker.service';

/** The channel the Reconciliation migration's triggers notify when ledger events or scans commit. */
export const RECONCILE_CHANNEL = 'wasteledger_reconcile';

/**
 * LISTENs on a connection of its own and wakes the drain on each notification. Postgres delivers a
 * NOTIFY when the notifying transaction commits, so a woken drain always finds the rows. The
 * connection is re-opened after a failure; meanwhile the repeatable poll keeps the drain going.
 */
@Injectable()
export class LedgerListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerListener.name);
  private client: Client | null = null;
  private closing = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
    private readonly waker: DrainWaker,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.listen) return;
    void this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await this.waker.settled();
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'wasteledger-reconcile-listen' });
    const reconnect = (reason: string): void => {
      if (this.closing || this.client !== client) return;
      this.client = null;
      this.logger.warn({ reason }, 'reconciliation listener lost its connection; reconnecting');
      client.end().catch(() => undefined);
      this.retry = setTimeout(() => void this.connect(), 2_000);
    };
    client.on('error', (error: Error) => reconnect(error.message));
    client.on('end', () => reconnect('connection ended'));
    client.on('notification', () => this.waker.wake());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${RECONCILE_CHANNEL}`);
      if (this.closing) {
        await client.end();
        return;
      }
      // Anything committed while not listening is found by this first drain.
      this.waker.wake();
    } catch (error) {
      reconnect((error as Error).message);
    }
  }
}
