import { ReportPeriod } from '../report-period';
import { LEDGER_BOOK_COLUMNS, LedgerBookKey } from './ledger-book.columns';

/** What each exported column is, over the joins below; selected in the order of LEDGER_BOOK_COLUMNS (rows come back as arrays). */
const EXPRESSIONS: Record<Exclude<LedgerBookKey, 'seq'>, string> = {
  stage: 's.stage',
  at: `to_char(s.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')`,
  code: 'c.code',
  wasteName: 'c.waste_name',
  wasteCode: 'c.waste_code',
  category: 'wc.category',
  hazards: `array_to_string(c.hazard_codes, ',')`,
  physicalForm: 'c.physical_form',
  containerType: 'c.container_type',
  weightKg: 's.kg::float8',
  facility: `CASE WHEN f.id IS NOT NULL THEN f.code || ' ' || f.name END`,
  manifestNumber: 'm.number',
  generator: 'g.name',
  carrier: 'cr.name',
  receiver: 'r.name',
  receiverLicence: 'lic.number',
  method: `CASE WHEN dm.code IS NOT NULL THEN dm.code || ' ' || dm.name_zh END`,
  receivedKg: 'CASE WHEN i.packed_in IS NULL THEN i.received_weight_kg::float8 END',
  decision: 'i.decision',
  refusedKg: 'CASE WHEN i.packed_in IS NULL THEN i.refused_kg::float8 END',
  note: `NULLIF(concat_ws('；', s.note, CASE WHEN pk.code IS NOT NULL THEN '装于 ' || pk.code END, i.refusal_reason), '')`,
};

const SELECT_LIST = LEDGER_BOOK_COLUMNS.slice(1)
  .map((c) => `${EXPRESSIONS[c.key as Exclude<LedgerBookKey, 'seq'>]} AS "${c.key}"`)
  .join(',\n       ');

/**
 * The 台账 of one unit for a period, set-based: one row per container per stage, in time order.
 *
 * As a generator or collection point: 产生 (registered by the unit), 入库 / 出库 (stays in the unit's
 * storage facilities), 转移 (handed to the first carrier on one of its manifests: the loading scan,
 * or departure / arrival when no loading scan was made), 自行利用处置 (disposed while held by the
 * unit, not through a manifest), 重新包装 (containers it repackaged into new ones). As a receiver:
 * 接收 (arrival scan) and 利用处置 (the recorded method). A receiver's licence number is that of its
 * 危险废物经营许可证 in force when the row happened, not today's: a licence renewed or replaced since
 * leaves earlier rows as they were; none in force then leaves the cell empty.
 *
 * Weights are the generator's net weights per container; the receiver's measured weight and refused
 * kg are shown on the outer container that was weighed and decided on.
 */
export const LEDGER_BOOK_SQL = `
WITH stages AS (
  SELECT 1 AS stage_no, 'generation'::text AS stage, c.generated_at AS at, c.id AS container_id,
         NULL::uuid AS facility_id, NULL::uuid AS manifest_id, c.net_weight_kg AS kg,
         (SELECT '由 ' || count(*) || ' 个容器重新包装而成' FROM container_lineage l WHERE l.output_id = c.id HAVING count(*) > 0) AS note
    FROM containers c
   WHERE c.organisation_id = $1 AND c.generated_at >= $2 AND c.generated_at < $3
  UNION ALL
  SELECT 2, 'storage_in', s.in_at, s.container_id, s.facility_id, NULL, c.net_weight_kg, NULL
    FROM storage_stays s JOIN facilities f ON f.id = s.facility_id JOIN containers c ON c.id = s.container_id
   WHERE f.organisation_id = $1 AND s.in_at >= $2 AND s.in_at < $3
  UNION ALL
  SELECT 3, 'storage_out', s.out_at, s.container_id, s.facility_id, NULL, c.net_weight_kg, NULL
    FROM storage_stays s JOIN facilities f ON f.id = s.facility_id JOIN containers c ON c.id = s.container_id
   WHERE f.organisation_id = $1 AND s.out_at >= $2 AND s.out_at < $3
  UNION ALL
  SELECT 4, 'handover', COALESCE(i.loaded_at, m.departed_at, i.arrived_at), i.container_id, NULL, i.manifest_id, i.declared_weight_kg, NULL
    FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id
   WHERE m.generator_id = $1 AND (i.loaded_at IS NOT NULL OR i.arrived_at IS NOT NULL)
     AND COALESCE(i.loaded_at, m.departed_at, i.arrived_at) >= $2 AND COALESCE(i.loaded_at, m.departed_at, i.arrived_at) < $3
  UNION ALL
  SELECT 5, 'own_disposal', COALESCE(c.disposed_at, c.updated_at), c.id, NULL, NULL, c.net_weight_kg, NULL
    FROM containers c
   WHERE c.organisation_id = $1 AND c.holder_id = $1 AND c.status = 'disposed'
     AND COALESCE(c.disposed_at, c.updated_at) >= $2 AND COALESCE(c.disposed_at, c.updated_at) < $3
     AND NOT EXISTS (SELECT 1 FROM manifest_items i WHERE i.container_id = c.id AND i.final_method IS NOT NULL)
  UNION ALL
  SELECT 6, 'received', i.arrived_at, i.container_id, NULL, i.manifest_id, i.declared_weight_kg, NULL
    FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id
   WHERE m.receiver_id = $1 AND i.arrived_at >= $2 AND i.arrived_at < $3
  UNION ALL
  SELECT 7, 'treatment', i.final_at, i.container_id, NULL, i.manifest_id, i.declared_weight_kg, NULL
    FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id
   WHERE m.receiver_id = $1 AND i.final_at >= $2 AND i.final_at < $3
  UNION ALL
  SELECT 8, 'repackaged', l.created_at, l.input_id, NULL, NULL, l.kg, '并入 ' || o.code
    FROM container_lineage l JOIN containers o ON o.id = l.output_id
   WHERE o.organisation_id = $1 AND l.created_at >= $2 AND l.created_at < $3
)
SELECT ${SELECT_LIST}
  FROM stages s
  JOIN containers c ON c.id = s.container_id
  JOIN waste_codes wc ON wc.code = c.waste_code
  JOIN organisations g ON g.id = c.organisation_id
  LEFT JOIN facilities f ON f.id = s.facility_id
  LEFT JOIN manifests m ON m.id = s.manifest_id
  LEFT JOIN manifest_items i ON i.manifest_id = s.manifest_id AND i.container_id = s.container_id
  LEFT JOIN containers pk ON pk.id = i.packed_in
  LEFT JOIN organisations r ON r.id = m.receiver_id
  -- The receiver's 危险废物经营许可证 in force at the moment of the row and covering its waste code
  -- (by code or category): valid that China day, not yet superseded then, and of those the last
  -- recorded by then; when none was recorded yet (a licence entered after the fact), the first
  -- recorded after. Licences are append-only, so the book reads the same next year as today.
  LEFT JOIN LATERAL (
    SELECT l.number FROM licences l
     WHERE l.organisation_id = m.receiver_id AND l.kind = 'hw_operating'
       AND (c.waste_code = ANY (l.waste_codes) OR wc.category = ANY (l.waste_categories))
       AND (s.at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN l.valid_from AND l.valid_to
       AND NOT EXISTS (SELECT 1 FROM licences n WHERE n.supersedes_id = l.id AND n.created_at <= s.at)
     ORDER BY l.created_at <= s.at DESC, CASE WHEN l.created_at <= s.at THEN l.created_at END DESC, l.created_at
     LIMIT 1
  ) lic ON true
  LEFT JOIN manifest_legs l1 ON l1.manifest_id = m.id AND l1.leg_no = 1
  LEFT JOIN organisations cr ON cr.id = l1.carrier_id
  LEFT JOIN disposal_methods dm ON dm.code = CASE WHEN s.stage = 'own_disposal' THEN c.disposal_method ELSE i.final_method END
 ORDER BY s.at, s.stage_no, c.code`;

export function ledgerBookQuery(organisationId: string, period: ReportPeriod): { text: string; values: unknown[] } {
  return { text: LEDGER_BOOK_SQL, values: [organisationId, period.start.toISOString(), period.end.toISOString()] };
}
