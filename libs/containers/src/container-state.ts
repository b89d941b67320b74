import { DomainException } from '@app/errors';

export const CONTAINER_STATUSES = ['registered', 'stored', 'on_manifest', 'in_transit', 'received', 'refused', 'disposed', 'consolidated'] as const;
export type ContainerStatus = (typeof CONTAINER_STATUSES)[number];

/**
 * The one lifecycle every container follows. Packing a bag into a box does not change its state
 * (it travels with the box); repackaging into new containers ends it as `consolidated`.
 */
export const TRANSITIONS: Record<ContainerStatus, readonly ContainerStatus[]> = {
  registered: ['stored', 'on_manifest', 'consolidated', 'disposed'],
  stored: ['registered', 'on_manifest', 'consolidated', 'disposed'],
  // on_manifest -> received: an arrival scan uploaded before the loading scan (offline carrier);
  // the ledger records it and reconciliation flags the custody gap until the loading scan arrives.
  on_manifest: ['in_transit', 'received', 'registered'],
  in_transit: ['received'],
  received: ['stored', 'on_manifest', 'consolidated', 'disposed', 'refused'],
  refused: ['on_manifest'],
  disposed: [],
  consolidated: [],
};

export function canTransition(from: ContainerStatus, to: ContainerStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(code: string, from: ContainerStatus, to: ContainerStatus): void {
  if (canTransition(from, to)) return;
  const allowed = TRANSITIONS[from];
  throw new DomainException(
    'CONTAINER_TRANSITION_NOT_ALLOWED',
    { code, current: from, requested: to, allowed: allowed.length ? allowed.join(', ') : '—' },
    { code, current: from, requested: to, allowed },
  );
}
