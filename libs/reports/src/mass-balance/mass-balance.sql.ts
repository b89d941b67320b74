/**
 * Where each container a unit generated in the period is now, from the unit's own records: one
 * bucket per container, so the buckets add up to what was generated. The unit's latest shipment of a
 * container is the manifest item on its newest non-cancelled manifest as 移出人.
 *
 * $1 unit, $2 period start, $3 period end (exclusive), $4 waste code or null.
 */
export const MASS_BALANCE_BUCKETS = [
  'stored',
  'awaiting_shipment',
  'in_transit',
  'at_receiver',
  'disposed',
  'refused',
  'own_disposal',
  'repackaged',
  'unaccounted',
] as const;
export type MassBalanceBucket = (typeof MASS_BALANCE_BUCKETS)[number];

export const UNACCOUNTED_REASONS = ['not_stored_or_shipped', 'not_loaded', 'lost_in_transit'] as const;

export const CLASSIFIED_CONTAINERS_CTE = `
  unit_containers AS (
    SELECT c.id, c.code, c.waste_code, c.net_weight_kg AS kg, c.status, c.holder_id,
           EXISTS (SELECT 1 FROM container_lineage l WHERE l.output_id = c.id) AS repackaged_output
      FROM containers c
     WHERE c.organisation_id = $1 AND c.generated_at >= $2 AND c.generated_at < $3 AND ($4::text IS NULL OR c.waste_code = $4)
  ), shipment AS (
    SELECT DISTINCT ON (i.container_id)
           i.container_id, i.manifest_id, i.packed_in, i.loaded_at, i.arrived_at, i.decision, i.final_method,
           i.received_weight_kg, i.accepted_kg, i.refused_kg, m.status AS manifest_status, COALESCE(dm.is_final, false) AS is_final
      FROM manifest_items i
      JOIN manifests m ON m.id = i.manifest_id
      LEFT JOIN disposal_methods dm ON dm.code = i.final_method
     WHERE m.generator_id = $1 AND m.status <> 'cancelled' AND i.container_id IN (SELECT id FROM unit_containers)
     ORDER BY i.container_id, m.created_at DESC
  ), classified AS (
    SELECT u.*, s.manifest_id, s.packed_in, s.received_weight_kg, s.accepted_kg, s.refused_kg,
           (s.arrived_at IS NOT NULL) AS arrived,
           (s.loaded_at IS NOT NULL OR s.arrived_at IS NOT NULL) AS shipped,
           CASE
             WHEN u.status = 'stored' AND u.holder_id = $1 THEN 'stored'
             WHEN s.container_id IS NULL THEN
               CASE u.status WHEN 'disposed' THEN 'own_disposal' WHEN 'consolidated' THEN 'repackaged' ELSE 'unaccounted' END
             WHEN s.arrived_at IS NOT NULL THEN
               CASE WHEN s.decision = 'refused' THEN 'refused' WHEN s.is_final THEN 'disposed' ELSE 'at_receiver' END
             WHEN s.loaded_at IS NOT NULL THEN
               CASE WHEN s.manifest_status IN ('received', 'confirmed', 'completed') THEN 'unaccounted' ELSE 'in_transit' END
             WHEN s.manifest_status IN ('draft', 'submitted') THEN 'awaiting_shipment'
             ELSE 'unaccounted'
           END AS bucket,
           CASE
             WHEN u.status = 'stored' AND u.holder_id = $1 THEN NULL
             WHEN s.container_id IS NULL THEN CASE WHEN u.status IN ('disposed', 'consolidated') THEN NULL ELSE 'not_stored_or_shipped' END
             WHEN s.arrived_at IS NOT NULL THEN NULL
             WHEN s.loaded_at IS NOT NULL THEN CASE WHEN s.manifest_status IN ('received', 'confirmed', 'completed') THEN 'lost_in_transit' END
             WHEN s.manifest_status IN ('draft', 'submitted') THEN NULL
             ELSE 'not_loaded'
           END AS reason
      FROM unit_containers u LEFT JOIN shipment s ON s.container_id = u.id
  )`;

const bucketColumns = MASS_BALANCE_BUCKETS.map(
  (b) => `count(*) FILTER (WHERE bucket = '${b}')::int AS "${b}_count", COALESCE(sum(kg) FILTER (WHERE bucket = '${b}'), 0)::float8 AS "${b}_kg"`,
).join(',\n         ');

export const MASS_BALANCE_SQL = `
  WITH ${CLASSIFIED_CONTAINERS_CTE}
  SELECT k.waste_code AS "wasteCode", wc.category, wc.description,
         count(*)::int AS generated_count, COALESCE(sum(kg), 0)::float8 AS generated_kg,
         count(*) FILTER (WHERE repackaged_output)::int AS repackaged_output_count, COALESCE(sum(kg) FILTER (WHERE repackaged_output), 0)::float8 AS repackaged_output_kg,
         count(*) FILTER (WHERE shipped)::int AS shipped_count, COALESCE(sum(kg) FILTER (WHERE shipped), 0)::float8 AS shipped_kg,
         count(*) FILTER (WHERE arrived)::int AS received_count, COALESCE(sum(kg) FILTER (WHERE arrived), 0)::float8 AS received_kg,
         sum(received_weight_kg) FILTER (WHERE arrived AND packed_in IS NULL)::float8 AS measured_received_kg,
         sum(accepted_kg) FILTER (WHERE arrived AND packed_in IS NULL)::float8 AS measured_accepted_kg,
         sum(refused_kg) FILTER (WHERE arrived AND packed_in IS NULL)::float8 AS measured_refused_kg,
         ${bucketColumns},
         (array_agg(k.id ORDER BY k.code) FILTER (WHERE bucket = 'unaccounted'))[1:100] AS unaccounted_ids
    FROM classified k JOIN waste_codes wc ON wc.code = k.waste_code
   GROUP BY k.waste_code, wc.category, wc.description
   ORDER BY k.waste_code`;

export const MASS_BALANCE_CONTAINERS_SQL = `
  WITH ${CLASSIFIED_CONTAINERS_CTE}
  SELECT id, code, waste_code AS "wasteCode", kg::float8 AS kg, status, bucket, reason, manifest_id AS "manifestId"
    FROM classified
   WHERE ($5::text IS NULL OR bucket = $5) AND ($6::uuid IS NULL OR id > $6)
   ORDER BY id
   LIMIT $7`;

/** What the unit received as 接受人 in the period, per waste code. $1 unit, $2 start, $3 end, $4 waste code or null. */
export const RECEIVED_SQL = `
  SELECT c.waste_code AS "wasteCode",
         count(*)::int AS received_count, COALESCE(sum(i.declared_weight_kg), 0)::float8 AS received_kg,
         sum(i.received_weight_kg) FILTER (WHERE i.packed_in IS NULL)::float8 AS measured_kg,
         COALESCE(sum(i.accepted_kg) FILTER (WHERE i.packed_in IS NULL), 0)::float8 AS accepted_kg,
         COALESCE(sum(i.refused_kg) FILTER (WHERE i.packed_in IS NULL), 0)::float8 AS refused_kg,
         count(*) FILTER (WHERE i.decision = 'refused')::int AS refused_count,
         count(*) FILTER (WHERE dm.is_final)::int AS treated_count,
         COALESCE(sum(i.declared_weight_kg) FILTER (WHERE dm.is_final), 0)::float8 AS treated_kg,
         count(*) FILTER (WHERE i.final_method IS NOT NULL AND NOT dm.is_final)::int AS intermediate_count,
         COALESCE(sum(i.declared_weight_kg) FILTER (WHERE i.final_method IS NOT NULL AND NOT dm.is_final), 0)::float8 AS intermediate_kg,
         count(*) FILTER (WHERE i.decision IS DISTINCT FROM 'refused' AND i.final_method IS NULL)::int AS awaiting_treatment_count,
         COALESCE(sum(i.declared_weight_kg) FILTER (WHERE i.decision IS DISTINCT FROM 'refused' AND i.final_method IS NULL), 0)::float8 AS awaiting_treatment_kg
    FROM manifest_items i
    JOIN manifests m ON m.id = i.manifest_id
    JOIN containers c ON c.id = i.container_id
    LEFT JOIN disposal_methods dm ON dm.code = i.final_method
   WHERE m.receiver_id = $1 AND i.arrived_at >= $2 AND i.arrived_at < $3 AND ($4::text IS NULL OR c.waste_code = $4)
   GROUP BY c.waste_code
   ORDER BY c.waste_code`;
