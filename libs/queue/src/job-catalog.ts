/**
 * The typed job catalogue: every queue, every job, and the payload each job takes. Enqueueing a
 * job with the wrong payload, or on the wrong queue, does not compile. Payloads carry ids, never
 * copies of rows: handlers reload state from Postgres, which stays the source of truth.
 */
export enum QueueName {
  Ledger = 'ledger',
  Reconciliation = 'reconciliation',
  Webhooks = 'webhooks',
}

export enum JobName {
  /** Seal a signed Merkle checkpoint over the events appended since the last one. */
  SealCheckpoint = 'seal-checkpoint',
  /** Verify the hash chains and checkpoints of all events, or of a range of them. */
  VerifyLedger = 'verify-ledger',
  /** Read the ledger after the reconciliation cursor and re-evaluate the subjects it touches. */
  DrainLedger = 'drain-ledger',
  /** Evaluate the time-based rules over the whole database. */
  Sweep = 'sweep',
  /** Deliver one alert notification to one webhook subscription. */
  DeliverWebhook = 'deliver-webhook',
}

export interface JobPayloads {
  [JobName.SealCheckpoint]: Record<string, never>;
  [JobName.VerifyLedger]: { fromSeq?: string; toSeq?: string; requestedBy?: string };
  [JobName.DrainLedger]: Record<string, never>;
  [JobName.Sweep]: { rule?: string };
  [JobName.DeliverWebhook]: { deliveryId: string };
}

export const JOB_QUEUE = {
  [JobName.SealCheckpoint]: QueueName.Ledger,
  [JobName.VerifyLedger]: QueueName.Ledger,
  [JobName.DrainLedger]: QueueName.Reconciliation,
  [JobName.Sweep]: QueueName.Reconciliation,
  [JobName.DeliverWebhook]: QueueName.Webhooks,
} as const satisfies Record<JobName, QueueName>;

export type QueueOf<J extends JobName> = (typeof JOB_QUEUE)[J];
