import { DrainRow, directTouches } from './touched-subjects';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const row = (over: Partial<DrainRow>): DrainRow => ({ seq: '1', subject_type: 'container', subject_id: id(1), type: 'x.y', manifest_id: null, organisation_id: null, ...over });

describe('what drained rows touch', () => {
  it('maps each kind of row to the subjects it names', () => {
    const t = directTouches([
      row({ subject_id: id(1), type: 'scan.load', manifest_id: id(10) }),
      row({ subject_type: 'manifest', subject_id: id(11), type: 'manifest.departed' }),
      row({ subject_type: 'manifest', subject_id: id(12), type: 'manifest.discrepancy' }),
      row({ subject_type: 'organisation', subject_id: id(20), type: 'label.rejected' }),
      row({ subject_type: 'licence', subject_id: id(30), type: 'licence.superseded' }),
      row({ subject_type: 'approval', subject_id: id(40), type: 'approval.recorded' }),
      row({ subject_type: 'scan', subject_id: id(2), type: 'scan.refused', manifest_id: id(13), organisation_id: id(21) }),
    ]);
    expect([...t.containers]).toEqual([id(1), id(2)]);
    expect([...t.manifestsChanged]).toEqual([id(11)]);
    expect([...t.manifestsMentioned]).toEqual([id(10), id(12), id(13)]);
    expect([...t.organisations]).toEqual([id(20), id(21)]);
    expect([...t.licences]).toEqual([id(30)]);
    expect([...t.approvals]).toEqual([id(40)]);
  });

  it("ignores reconciliation's own events and ids that are not uuids", () => {
    const t = directTouches([
      row({ subject_type: 'alert', subject_id: id(1), type: 'alert.opened' }),
      row({ subject_type: 'webhook', subject_id: id(2), type: 'webhook.subscribed' }),
      row({ subject_type: 'container', subject_id: id(3), manifest_id: 'not-a-uuid' }),
      row({ subject_type: 'scan', subject_id: null, organisation_id: id(4) }),
    ]);
    expect([...t.containers]).toEqual([id(3)]);
    expect([...t.manifestsMentioned]).toEqual([]);
    expect([...t.organisations]).toEqual([id(4)]);
  });
});
