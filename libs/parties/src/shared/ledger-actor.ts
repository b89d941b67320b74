import type { LedgerActor } from '@app/ledger';
import type { Actor } from '../auth/actor';

/** The caller as the ledger records it. Master data is written from the API, never by a scanner, so there is no device. */
export function ledgerActorOf(actor: Actor): LedgerActor {
  return { organisationId: actor.organisationId, userId: actor.userId, device: null };
}
