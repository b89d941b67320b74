/**
 * Tunables of the ledger. None is law; all have defaults that suit one machine (docs/scaling.md).
 * Override with LedgerModule.register({...}) / LedgerWorkerModule.register({...}).
 */
export interface LedgerOptions {
  /** How often the worker seals a checkpoint. */
  sealEveryMs: number;
  /** Most events in one checkpoint; a backlog is sealed as several checkpoints in one run. */
  maxEventsPerCheckpoint: number;
  /** Most checkpoints one seal run writes before yielding to other jobs. */
  maxCheckpointsPerRun: number;
  /** How long a seal run waits for appends in flight to finish before trying again next time. */
  inFlightWaitMs: number;
  /** Monthly partitions kept ready ahead of the current month. */
  partitionsAhead: number;
  /** Rows per verification query (one binary COPY each). */
  verifyBatchSize: number;
  /** A queued or running verification untouched this long is enqueued again. */
  staleVerificationMs: number;
}

export const DEFAULT_LEDGER_OPTIONS: LedgerOptions = {
  sealEveryMs: 10_000,
  maxEventsPerCheckpoint: 50_000,
  maxCheckpointsPerRun: 20,
  inFlightWaitMs: 5_000,
  partitionsAhead: 3,
  verifyBatchSize: 50_000,
  staleVerificationMs: 5 * 60_000,
};

export const LEDGER_OPTIONS = Symbol('LEDGER_OPTIONS');
