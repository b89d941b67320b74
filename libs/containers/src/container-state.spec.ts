import './containers.errors';
import { DomainException } from '@app/errors';
import { CONTAINER_STATUSES, TRANSITIONS, assertTransition, canTransition } from './container-state';

describe('container lifecycle', () => {
  it('lets a container go from registration to disposal through a manifest', () => {
    const path = ['registered', 'stored', 'on_manifest', 'in_transit', 'received', 'disposed'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });

  it('keeps disposed and consolidated terminal', () => {
    expect(TRANSITIONS.disposed).toEqual([]);
    expect(TRANSITIONS.consolidated).toEqual([]);
  });

  it('refuses an impossible transition with the current state and what is allowed', () => {
    let caught: unknown;
    try {
      assertTransition('X', 'registered', 'received');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainException);
    const e = caught as DomainException;
    expect(e.code).toBe('CONTAINER_TRANSITION_NOT_ALLOWED');
    expect(e.status).toBe(409);
    expect(e.details).toEqual({ code: 'X', current: 'registered', requested: 'received', allowed: TRANSITIONS.registered });
  });

  it('only names known states', () => {
    for (const targets of Object.values(TRANSITIONS)) for (const t of targets) expect(CONTAINER_STATUSES).toContain(t);
  });
});
