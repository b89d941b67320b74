/** What kinds of thing have a story in the ledger. Other libraries may add kinds (lower-case, `_`). */
export type LedgerSubjectType =
  | 'container'
  | 'manifest'
  | 'organisation'
  | 'licence'
  | 'alert'
  | 'export'
  | (string & NonNullable<unknown>);

/** Who did it. Any part may be unknown (a system job has no user; a scanner is a device). */
export interface LedgerActor {
  organisationId?: string | null;
  userId?: string | null;
  /** The scanner or other device that reported it. */
  device?: string | null;
}

/** One event to append. The payload must be plain JSON data (dates as ISO strings). */
export interface NewLedgerEvent {
  subjectType: LedgerSubjectType;
  subjectId: string;
  /** `<subject>.<what happened>`, e.g. `container.registered`. */
  type: string;
  actor: LedgerActor;
  /** When the device says it happened (its own clock), if a device reported it. */
  deviceTime?: Date | null;
  payload: Readonly<Record<string, unknown>>;
}

/** What an append produced, in the order the events were given. */
export interface AppendedEvent {
  id: string;
  /** Global order of append; a decimal string because it is a bigint. */
  seq: string;
  subjectType: string;
  subjectId: string;
  subjectSeq: number;
  type: string;
  serverTime: Date;
  /** hex */
  hash: string;
}

/** An event as read back: everything needed to recompute its hash. */
export interface LedgerEvent {
  seq: string;
  id: string;
  subjectType: string;
  subjectId: string;
  subjectSeq: number;
  type: string;
  actor: { organisationId: string | null; userId: string | null; device: string | null };
  /** ISO 8601 with microseconds, UTC. */
  deviceTime: string | null;
  /** ISO 8601 with microseconds, UTC. */
  serverTime: string;
  payload: Record<string, unknown>;
  /** hex, null for a subject's first event */
  prevHash: string | null;
  /** hex */
  hash: string;
}

export interface SubjectEventsPage {
  events: LedgerEvent[];
  /** Pass as `afterSeq` for the next page; null when this page is the last. */
  nextAfterSeq: number | null;
}

/** The first thing verification found wrong. */
export interface BrokenLink {
  /** Global seq of the event (null when the problem is a missing event or a checkpoint). */
  seq: string | null;
  subjectType: string | null;
  subjectId: string | null;
  subjectSeq: number | null;
  checkpointId?: string;
  reason: BrokenReason;
  detail: string;
}

export type BrokenReason =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'subject_seq_gap'
  | 'subject_seq_order'
  | 'head_mismatch'
  | 'checkpoint_signature'
  | 'checkpoint_unknown_key'
  | 'checkpoint_chain'
  | 'checkpoint_root'
  | 'checkpoint_count'
  | 'inclusion_proof'
  | 'store_integrity';

export interface SubjectVerification {
  ok: boolean;
  /** Events read and checked. */
  events: number;
  /** Events covered by a signed checkpoint, with their inclusion proven. */
  sealed: number;
  firstBroken?: BrokenLink;
}

export interface RangeVerification {
  ok: boolean;
  /** The seq range actually checked (widened to whole checkpoints). */
  fromSeq: string;
  toSeq: string;
  events: number;
  checkpoints: number;
  /** Whether ledger_heads was compared with the chains' ends (only when the range reaches the end). */
  headsChecked: boolean;
  durationMs: number;
  firstBroken?: BrokenLink;
}

export interface CheckpointRecord {
  id: string;
  fromSeq: string;
  toSeq: string;
  eventCount: number;
  /** hex */
  merkleRoot: string;
  /** ISO 8601 with microseconds, UTC. */
  signedAt: string;
  keyId: string;
  /** base64url */
  signature: string;
  prevCheckpointId: string | null;
  /** hex */
  prevMerkleRoot: string | null;
}

export interface SealResult {
  /** Checkpoints written by this run, oldest first. */
  sealed: CheckpointRecord[];
  /** Why it stopped: caught up, another sealer holds the lock, or appends still in flight. */
  stoppedBecause: 'caught_up' | 'busy' | 'in_flight' | 'limit';
}

export type VerificationStatus = 'queued' | 'running' | 'ok' | 'broken' | 'failed';

export interface VerificationRecord {
  id: string;
  fromSeq: string | null;
  toSeq: string | null;
  requestedBy: string | null;
  status: VerificationStatus;
  eventsChecked: number;
  checkpointsChecked: number;
  firstBroken: BrokenLink | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}
