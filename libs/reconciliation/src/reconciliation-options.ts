/**
 * Tunables of reconciliation. None is law; the defaults suit one machine. Override with
 * ReconciliationWorkerModule.register({...}) (and ReconciliationModule.register for the API side).
 */
export interface ReconciliationOptions {
  /** The repeatable drain: how often a worker reads the ledger even when nothing woke it. */
  pollEveryMs: number;
  /** How often each time-based rule is swept. */
  timeSweepEveryMs: number;
  /** How often every rule is swept over the whole database (and stuck webhook deliveries re-queued). */
  fullSweepEveryMs: number;
  /** Events read per drain round. */
  drainBatchSize: number;
  /** A drain job keeps reading while there is more, up to this long, then yields to other jobs. */
  drainBudgetMs: number;
  /** Subject ids per evaluation statement. */
  evaluationChunk: number;
  /** When the queue does not answer within this long, the listener drains in-process instead. */
  enqueueTimeoutMs: number;
  /** Whether the worker listens for NOTIFY from the ledger (off: it relies on the poll). */
  listen: boolean;
  /** Whether the worker registers its repeatable jobs (tests drive sweeps by hand). */
  schedule: boolean;
  webhook: {
    /** Attempts per delivery (the queue's exponential backoff between them). */
    attempts: number;
    backoffMs: number;
    timeoutMs: number;
    /** A subscription is disabled after this many failed attempts in a row. */
    maxConsecutiveFailures: number;
    /** Allow loopback and private addresses (development and tests only). */
    allowPrivateTargets: boolean | 'unless-production';
  };
}

export const DEFAULT_RECONCILIATION_OPTIONS: ReconciliationOptions = {
  pollEveryMs: 2_000,
  timeSweepEveryMs: 60_000,
  fullSweepEveryMs: 15 * 60_000,
  drainBatchSize: 5_000,
  drainBudgetMs: 10_000,
  evaluationChunk: 5_000,
  enqueueTimeoutMs: 1_000,
  listen: true,
  schedule: true,
  webhook: {
    attempts: 8,
    backoffMs: 2_000,
    timeoutMs: 5_000,
    maxConsecutiveFailures: 10,
    allowPrivateTargets: 'unless-production',
  },
};

export const RECONCILIATION_OPTIONS = Symbol('RECONCILIATION_OPTIONS');

export type ReconciliationOverrides = Partial<Omit<ReconciliationOptions, 'webhook'>> & { webhook?: Partial<ReconciliationOptions['webhook']> };

export function reconciliationOptions(overrides: ReconciliationOverrides = {}): ReconciliationOptions {
  return {
    ...DEFAULT_RECONCILIATION_OPTIONS,
    ...overrides,
    webhook: { ...DEFAULT_RECONCILIATION_OPTIONS.webhook, ...overrides.webhook },
  };
}
