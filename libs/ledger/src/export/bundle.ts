import { CheckpointRecord, LedgerEvent } from '../ledger.types';

/**
 * The offline-verifiable export of one subject's story (docs/ledger.md, "Export bundle").
 * Everything a verifier needs is inside: the events with every hashed field, an inclusion proof
 * for each sealed event, the checkpoints those proofs lead to, and the public key. The verifier
 * should still pin the key it trusts (`--key`), or anyone could sign a bundle of their own.
 */
export const BUNDLE_FORMAT = 'wasteledger.bundle.v1';

export interface InclusionProof {
  checkpointId: string;
  /** Position of the event among the checkpoint's events in seq order; -1 when it is not there. */
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 audit path, bottom up, hex. */
  path: string[];
}

export interface BundleEvent extends LedgerEvent {
  /** The payload exactly as hashed (canonical JSON); `payload` is the same, parsed, for readers. */
  payloadJson: string;
  /** Null while the event is not yet sealed in a checkpoint. */
  proof: InclusionProof | null;
}

export interface LedgerBundle {
  format: typeof BUNDLE_FORMAT;
  exportedAt: string;
  subject: { type: string; id: string };
  /** The subject's head when exported: the chain must end there. */
  head: { lastSeq: number; lastHash: string } | null;
  keys: { keyId: string; algorithm: 'Ed25519'; publicKey: string }[];
  events: BundleEvent[];
  checkpoints: CheckpointRecord[];
  /** Ed25519 over bundleSigningBytes(canonical JSON of the bundle without this member). */
  signature: { keyId: string; value: string };
}

export function bundleSigningBytes(canonicalUnsignedBundle: string): Buffer {
  return Buffer.from(`${BUNDLE_FORMAT}\n${canonicalUnsignedBundle}`, 'utf8');
}
