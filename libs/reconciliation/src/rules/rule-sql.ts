import { RuleCode } from './rule-registry';

/**
 * Where an evaluation looks: the subjects one batch of events touched, or the whole database.
 * `where(column)` is `column = ANY($n)` for the former and `true` for the latter.
 */
export interface SqlScope {
  readonly whole: boolean;
  where(column: string): string;
}

/**
 * The current truth of each rule, as one SELECT over the projection tables: a row per subject in
 * violation, with the columns
 *
 *   subject_id, organisation_id (the party concerned), division_code (its division: whose thresholds
 *   apply), party_ids (who else the alert is about), divisions (whose regulators see it too),
 *   fingerprint (which occurrence this is), details (jsonb for people).
 *
 * The CTE `thr` (thresholds.ts) holds the rule's thresholds per division code. Every rule reads
 * current state, never the event stream, so a sweep and an incremental evaluation agree, and a
 * re-run is harmless. Where a threshold varies by district, a sargable pre-filter on the loosest
 * value keeps the partial indexes of the Reconciliation migration in play.
 */
export type ViolationSql = (scope: SqlScope) => string;

/** Everyone party to manifest `m`, and their divisions. */
const MANIFEST_PARTIES = `
  LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT p.organisation_id) AS ids, array_agg(DISTINCT po.division_code) AS divisions
      FROM manifest_parties p JOIN organisations po ON po.id = p.organisation_id
     WHERE p.manifest_id = m.id
  ) mp ON true`;

/** Today in China: licence and approval validity are calendar days there. */
const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

/** The waste codes on manifest `m`. */
const MANIFEST_CODES = `(SELECT array_agg(DISTINCT x.waste_code ORDER BY x.waste_code) FROM manifest_items x WHERE x.manifest_id = m.id)`;

/** A hw_operating licence `l` covers waste code `code` by code or by category. */
const covers = (code: string): string => `(${code} = ANY(l.waste_codes) OR 'HW' || right(${code}, 2) = ANY(l.waste_categories))`;

const validToday = (alias: string): string => `${TODAY} BETWEEN ${alias}.valid_from AND ${alias}.valid_to`;

/** Manifest statuses in which each party's licences matter. */
const RECEIVER_LIVE = `('submitted','in_transit','arrived','received','confirmed')`;
const CARRIER_LIVE = `('submitted','in_transit')`;

const inTransitTooLong: ViolationSql = (s) => `
  SELECT i.container_id AS subject_id, c.holder_id AS organisation_id, h.division_code,
         mp.ids || c.organisation_id AS party_ids, mp.divisions, i.manifest_id::text AS fingerprint,
         jsonb_build_object('manifestId', m.id, 'manifestNumber', m.number, 'code', c.code, 'loadedAt', i.loaded_at,
                            'currentLeg', i.current_leg, 'limitHours', lim.h) AS details
    FROM manifest_items i
    JOIN containers c ON c.id = i.container_id
    JOIN manifests m ON m.id = i.manifest_id
    JOIN organisations h ON h.id = c.holder_id
    JOIN thr ON thr.division_code = h.division_code
    CROSS JOIN LATERAL (SELECT CASE WHEN c.is_medical THEN thr."medicalHours" ELSE thr.hours END AS h) lim
    ${MANIFEST_PARTIES}
   WHERE i.loaded_at IS NOT NULL AND i.arrived_at IS NULL AND i.packed_in IS NULL AND i.active
     AND m.status <> 'cancelled'
     AND i.loaded_at < now() - interval '1 hour' * (SELECT least(min(hours), min("medicalHours")) FROM thr)
     AND i.loaded_at < now() - interval '1 hour' * lim.h
     AND ${s.where('i.container_id')}`;

const listedNotLoaded: ViolationSql = (s) => `
  SELECT i.container_id AS subject_id, m.generator_id AS organisation_id, g.division_code,
         mp.ids || c.holder_id AS party_ids, mp.divisions, i.manifest_id::text AS fingerprint,
         jsonb_build_object('manifestId', m.id, 'manifestNumber', m.number, 'code', c.code, 'departedAt', m.departed_at) AS details
    FROM manifest_items i
    JOIN manifests m ON m.id = i.manifest_id
    JOIN containers c ON c.id = i.container_id
    JOIN organisations g ON g.id = m.generator_id
    JOIN thr ON thr.division_code = g.division_code
    ${MANIFEST_PARTIES}
   WHERE i.loaded_at IS NULL AND i.arrived_at IS NULL AND i.packed_in IS NULL AND i.active
     AND m.departed_at IS NOT NULL AND m.status <> 'cancelled'
     AND m.departed_at <= now() - interval '1 minute' * thr."graceMinutes"
     AND ${s.where('i.container_id')}`;

const arrivedWithoutLoading: ViolationSql = (s) => `
  SELECT i.container_id AS subject_id, l.carrier_id AS organisation_id, o.division_code,
         mp.ids || c.organisation_id AS party_ids, mp.divisions, i.manifest_id::text AS fingerprint,
         jsonb_build_object('manifestId', m.id, 'manifestNumber', m.number, 'code', c.code, 'arrivedAt', i.arrived_at,
                            'carrierId', l.carrier_id) AS details
    FROM manifest_items i
    JOIN manifests m ON m.id = i.manifest_id
    JOIN containers c ON c.id = i.container_id
    JOIN manifest_legs l ON l.manifest_id = m.id AND l.leg_no = 1
    JOIN organisations o ON o.id = l.carrier_id
    JOIN thr ON thr.division_code = o.division_code
    ${MANIFEST_PARTIES}
   WHERE i.arrived_at IS NOT NULL AND i.loaded_at IS NULL AND i.packed_in IS NULL
     AND m.status <> 'cancelled'
     AND (thr."graceMinutes" = 0 OR i.arrived_at <= now() - interval '1 minute' * thr."graceMinutes")
     AND ${s.where('i.container_id')}`;

const weightDiscrepancy: ViolationSql = (s) => `
  WITH weighed AS MATERIALIZED (
    -- The few items weighed differently from their declaration (partial index); an outer container
    -- is weighed with what is packed in it, so the tolerance is applied below.
    SELECT i.* FROM manifest_items i
     WHERE i.received_weight_kg - i.declared_weight_kg <> 0 AND i.packed_in IS NULL
       AND ${s.where('i.container_id')}
  )
  SELECT i.container_id AS subject_id, m.generator_id AS organisation_id, g.division_code,
         mp.ids || c.holder_id AS party_ids, mp.divisions, i.manifest_id::text AS fingerprint,
         jsonb_build_object('manifestId', m.id, 'manifestNumber', m.number, 'code', c.code, 'declaredKg', d.kg,
                            'measuredKg', i.received_weight_kg, 'differenceKg', i.received_weight_kg - d.kg) AS details
    FROM weighed i
    JOIN manifests m ON m.id = i.manifest_id
    JOIN containers c ON c.id = i.container_id
    JOIN organisations g ON g.id = m.generator_id
    JOIN thr ON thr.division_code = g.division_code
    CROSS JOIN LATERAL (
      SELECT i.declared_weight_kg + coalesce((SELECT sum(x.declared_weight_kg) FROM manifest_items x
                                               WHERE x.manifest_id = i.manifest_id AND x.packed_in = i.container_id), 0) AS kg
    ) d
    ${MANIFEST_PARTIES}
   WHERE m.status <> 'cancelled'
     AND abs(i.received_weight_kg - d.kg) > thr."toleranceKg"
     AND abs(i.received_weight_kg - d.kg) > thr."toleranceRatio" * d.kg`;

const noFinalOperation: ViolationSql = (s) => `
  SELECT c.id AS subject_id, c.holder_id AS organisation_id, h.division_code,
         mp.ids || c.organisation_id AS party_ids, mp.divisions,
         i.manifest_id::text || ':' || coalesce(i.final_method, '') AS fingerprint,
         jsonb_build_object('manifestId', m.id, 'manifestNumber', m.number, 'code', c.code, 'decision', i.decision,
                            'decidedAt', i.decided_at, 'intermediateMethod', i.final_method, 'limitDays', thr.days) AS details
    FROM containers c
    JOIN organisations h ON h.id = c.holder_id
    JOIN thr ON thr.division_code = h.division_code
    JOIN LATERAL (
      SELECT x.* FROM manifest_items x WHERE x.container_id = c.id AND x.decision IS NOT NULL ORDER BY x.decided_at DESC LIMIT 1
    ) i ON true
    JOIN manifests m ON m.id = i.manifest_id
    ${MANIFEST_PARTIES}
   WHERE c.status = 'received' AND c.parent_id IS NULL AND c.holder_id = m.receiver_id
     AND i.decision IN ('accepted','partially_refused')
     AND (i.final_method IS NULL OR NOT EXISTS (SELECT 1 FROM disposal_methods dm WHERE dm.code = i.final_method AND dm.is_final))
     AND coalesce(i.final_at, i.decided_at) < now() - interval '1 day' * thr.days
     AND ${s.where('c.id')}`;

const receiptNotConfirmed: ViolationSql = (s) => `
  SELECT m.id AS subject_id, m.receiver_id AS organisation_id, r.division_code,
         mp.ids AS party_ids, mp.divisions, m.confirm_deadline::text AS fingerprint,
         jsonb_build_object('manifestNumber', m.number, 'acceptedAt', m.accepted_at, 'confirmDeadline', m.confirm_deadline) AS details
    FROM manifests m
    JOIN organisations r ON r.id = m.receiver_id
    JOIN thr ON thr.division_code = r.division_code
    ${MANIFEST_PARTIES}
   WHERE m.status = 'received' AND m.confirm_deadline IS NOT NULL
     AND m.confirm_deadline + thr."graceDays"::int < ${TODAY}
     AND ${s.where('m.id')}`;

const storedTooLong: ViolationSql = (s) => `
  SELECT c.id AS subject_id, c.holder_id AS organisation_id, h.division_code,
         ARRAY[c.organisation_id, c.holder_id] AS party_ids, ARRAY[g.division_code] AS divisions,
         since.t::text AS fingerprint,
         jsonb_build_object('code', c.code, 'status', c.status, 'since', since.t, 'medical', c.is_medical,
                            'facilityId', c.facility_id, 'limitHours', lim.h) AS details
    FROM containers c
    JOIN organisations h ON h.id = c.holder_id
    JOIN organisations g ON g.id = c.organisation_id
    JOIN thr ON thr.division_code = h.division_code
    -- At its generator the waste counts from when it was generated, wherever it sits; elsewhere from
    -- when it was booked into storage.
    CROSS JOIN LATERAL (SELECT CASE WHEN c.holder_id = c.organisation_id THEN c.generated_at ELSE c.stored_since END AS t) since
    CROSS JOIN LATERAL (SELECT CASE WHEN c.is_medical THEN thr."medicalHours" ELSE thr."hazardousDays" * 24 END AS h) lim
   WHERE c.status IN ('registered','stored','on_manifest','received')
     AND (c.status = 'stored' OR c.holder_id = c.organisation_id)
     AND since.t < now() - interval '1 hour' * lim.h
     AND least(c.generated_at, coalesce(c.stored_since, c.generated_at))
           < now() - interval '1 hour' * (SELECT least(min("medicalHours"), min("hazardousDays") * 24) FROM thr)
     AND ${s.where('c.id')}`;

const receiverUnlicensed: ViolationSql = (s) => `
  SELECT m.id AS subject_id, m.receiver_id AS organisation_id, r.division_code,
         mp.ids AS party_ids, mp.divisions, string_agg(x.code, ',' ORDER BY x.code) AS fingerprint,
         jsonb_build_object('manifestNumber', m.number, 'receiverId', m.receiver_id,
                            'uncoveredWasteCodes', jsonb_agg(x.code ORDER BY x.code)) AS details
    FROM manifests m
    JOIN organisations r ON r.id = m.receiver_id
    CROSS JOIN LATERAL unnest(${MANIFEST_CODES}) AS x(code)
    ${MANIFEST_PARTIES}
   WHERE m.status IN ${RECEIVER_LIVE} AND m.relation IS DISTINCT FROM 'return'
     AND NOT EXISTS (SELECT 1 FROM licences_current l WHERE l.organisation_id = m.receiver_id AND l.kind = 'hw_operating' AND ${covers('x.code')})
     AND ${s.where('m.id')}
   GROUP BY m.id, m.receiver_id, r.division_code, mp.ids, mp.divisions, m.number`;

/** Documents held but none valid today: the receiver's covering licence, each carrier's, vehicle's and driver's. */
const licenceExpired: ViolationSql = (s) => `
  WITH problems AS (
    SELECT m.id AS manifest_id, 0 AS ord, m.receiver_id AS organisation_id, 'receiver' AS party, 'hw_operating' AS kind, x.code AS what
      FROM manifests m CROSS JOIN LATERAL unnest(${MANIFEST_CODES}) AS x(code)
     WHERE m.status IN ${RECEIVER_LIVE} AND m.relation IS DISTINCT FROM 'return' AND ${s.where('m.id')}
       AND EXISTS (SELECT 1 FROM licences_current l WHERE l.organisation_id = m.receiver_id AND l.kind = 'hw_operating' AND ${covers('x.code')})
       AND NOT EXISTS (SELECT 1 FROM licences_current l WHERE l.organisation_id = m.receiver_id AND l.kind = 'hw_operating'
                          AND ${covers('x.code')} AND ${validToday('l')})
    UNION ALL
    SELECT m.id, lg.leg_no, lg.carrier_id, 'carrier', d.kind, d.what
      FROM manifests m
      JOIN manifest_legs lg ON lg.manifest_id = m.id
      CROSS JOIN LATERAL (VALUES ('road_transport', 'organisation_id', lg.carrier_id::text),
                                 ('vehicle_permit', 'vehicle_id', lg.vehicle_id::text),
                                 ('driver_qualification', 'driver_id', lg.driver_id::text)) AS d(kind, holder_column, what)
     WHERE m.status IN ${CARRIER_LIVE} AND ${s.where('m.id')} AND d.what IS NOT NULL
       AND EXISTS (SELECT 1 FROM licences_current l WHERE l.kind = d.kind AND l.organisation_id = lg.carrier_id
                      AND (d.kind = 'road_transport' OR l.vehicle_id::text = d.what OR l.driver_id::text = d.what))
       AND NOT EXISTS (SELECT 1 FROM licences_current l WHERE l.kind = d.kind AND l.organisation_id = lg.carrier_id
                          AND (d.kind = 'road_transport' OR l.vehicle_id::text = d.what OR l.driver_id::text = d.what)
                          AND ${validToday('l')})
  )
  SELECT m.id AS subject_id, (array_agg(p.organisation_id ORDER BY p.ord, p.kind))[1] AS organisation_id,
         (array_agg(o.division_code ORDER BY p.ord, p.kind))[1] AS division_code,
         mp.ids AS party_ids, mp.divisions,
         string_agg(p.party || ':' || p.kind || ':' || p.what, ',' ORDER BY p.ord, p.kind, p.what) AS fingerprint,
         jsonb_build_object('manifestNumber', m.number, 'problems',
           jsonb_agg(jsonb_build_object('party', p.party, 'organisationId', p.organisation_id, 'licenceKind', p.kind, 'for', p.what)
                     ORDER BY p.ord, p.kind, p.what)) AS details
    FROM problems p
    JOIN manifests m ON m.id = p.manifest_id
    JOIN organisations o ON o.id = p.organisation_id
    ${MANIFEST_PARTIES}
   GROUP BY m.id, m.number, mp.ids, mp.divisions`;

const capacityExceeded: ViolationSql = (s) => `
  WITH yr AS (
    SELECT y, make_timestamptz(y, 1, 1, 0, 0, 0, 'Asia/Shanghai') AS starts, make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai') AS ends
      FROM (SELECT extract(year FROM ${TODAY})::int AS y) v
  ), committed AS (
    SELECT m.receiver_id, sum(coalesce(i.accepted_kg, i.declared_weight_kg)) / 1000.0 AS tonnes
      FROM manifests m JOIN manifest_items i ON i.manifest_id = m.id, yr
     WHERE m.status NOT IN ('draft','cancelled') AND i.packed_in IS NULL AND (i.decision IS NULL OR i.decision <> 'refused')
       AND m.submitted_at >= yr.starts AND m.submitted_at < yr.ends AND ${s.where('m.receiver_id')}
     GROUP BY m.receiver_id
  ), capacity AS (
    SELECT l.organisation_id, max(l.annual_capacity_tonnes) AS tonnes
      FROM licences_current l
     WHERE l.kind = 'hw_operating' AND ${validToday('l')} AND ${s.where('l.organisation_id')}
     GROUP BY l.organisation_id
  )
  SELECT r.id AS subject_id, r.id AS organisation_id, r.division_code, ARRAY[r.id] AS party_ids, ARRAY[r.division_code] AS divisions,
         yr.y::text AS fingerprint,
         jsonb_build_object('year', yr.y, 'committedTonnes', round(c.tonnes, 3), 'annualCapacityTonnes', cap.tonnes) AS details
    FROM committed c
    JOIN capacity cap ON cap.organisation_id = c.receiver_id
    JOIN organisations r ON r.id = c.receiver_id
    JOIN thr ON thr.division_code = r.division_code
    CROSS JOIN yr
   WHERE c.tonnes > cap.tonnes * (1 + thr."toleranceRatio")`;

/** No document of the kind in force at all, or none that allows the dangerous-goods class (6.2 for HW01). */
const carrierUnlicensed: ViolationSql = (s) => `
  WITH legs AS (
    SELECT lg.manifest_id, lg.leg_no, lg.carrier_id, lg.vehicle_id, lg.driver_id, EXISTS (SELECT 1 FROM manifest_items x WHERE x.manifest_id = m.id AND right(x.waste_code, 2) = '01') AS medical
      FROM manifests m JOIN manifest_legs lg ON lg.manifest_id = m.id
     WHERE m.status IN ${CARRIER_LIVE} AND ${s.where('m.id')}
  ), problems AS (
    SELECT g.manifest_id, g.leg_no, g.carrier_id, d.kind,
           CASE WHEN NOT EXISTS (SELECT 1 FROM licences_current l WHERE l.kind = d.kind AND l.organisation_id = g.carrier_id
                                    AND (d.kind = 'road_transport' OR l.vehicle_id = g.vehicle_id OR l.driver_id = g.driver_id))
                THEN 'missing'
                WHEN g.medical AND NOT EXISTS (SELECT 1 FROM licences_current l WHERE l.kind = d.kind AND l.organisation_id = g.carrier_id
                                    AND (d.kind = 'road_transport' OR l.vehicle_id = g.vehicle_id OR l.driver_id = g.driver_id)
                                    AND (cardinality(l.dangerous_goods_classes) = 0 OR '6.2' = ANY(l.dangerous_goods_classes)))
                THEN 'class_6.2_not_covered' END AS problem
      FROM legs g
      CROSS JOIN LATERAL (VALUES ('road_transport', true), ('vehicle_permit', true), ('driver_qualification', g.driver_id IS NOT NULL)) AS d(kind, applies)
     WHERE d.applies
  )
  SELECT m.id AS subject_id, (array_agg(p.carrier_id ORDER BY p.leg_no, p.kind))[1] AS organisation_id,
         (array_agg(o.division_code ORDER BY p.leg_no, p.kind))[1] AS division_code, mp.ids AS party_ids, mp.divisions,
         string_agg(p.leg_no || ':' || p.kind || ':' || p.problem, ',' ORDER BY p.leg_no, p.kind) AS fingerprint,
         jsonb_build_object('manifestNumber', m.number, 'problems',
           jsonb_agg(jsonb_build_object('legNo', p.leg_no, 'carrierId', p.carrier_id, 'licenceKind', p.kind, 'problem', p.problem)
                     ORDER BY p.leg_no, p.kind)) AS details
    FROM problems p
    JOIN manifests m ON m.id = p.manifest_id
    JOIN organisations o ON o.id = p.carrier_id
    ${MANIFEST_PARTIES}
   WHERE p.problem IS NOT NULL
   GROUP BY m.id, m.number, mp.ids, mp.divisions`;

const clonedLabel: ViolationSql = (s) => `
  WITH sc AS (
    SELECT s.id, s.container_id, s.organisation_id, s.device_id, s.device_time, s.lat::float8 AS lat, s.lng::float8 AS lng
      FROM scans s
     WHERE s.container_id IS NOT NULL AND s.lat IS NOT NULL AND s.lng IS NOT NULL
       AND ${s.whole ? `s.received_at > now() - interval '1 day' * (SELECT max("lookbackDays") FROM thr)` : s.where('s.container_id')}
  ), pairs AS (
    SELECT sc.*, lag(id) OVER w AS prev_id, lag(lat) OVER w AS prev_lat, lag(lng) OVER w AS prev_lng,
           lag(device_time) OVER w AS prev_time, lag(organisation_id) OVER w AS prev_org
      FROM sc WINDOW w AS (PARTITION BY container_id ORDER BY device_time, id)
  ), legs AS (
    SELECT p.*, km.d AS km, greatest(abs(extract(epoch FROM p.device_time - p.prev_time)), 1) / 3600.0 AS hours
      FROM pairs p
      CROSS JOIN LATERAL (SELECT 2 * 6371 * asin(least(1, sqrt(power(sin(radians(p.lat - p.prev_lat) / 2), 2)
                             + cos(radians(p.prev_lat)) * cos(radians(p.lat)) * power(sin(radians(p.lng - p.prev_lng) / 2), 2)))) AS d) km
     WHERE p.prev_id IS NOT NULL
  )
  SELECT c.id AS subject_id, c.organisation_id, g.division_code,
         array_agg(DISTINCT f.organisation_id) || array_agg(DISTINCT f.prev_org) || c.holder_id AS party_ids,
         ARRAY[g.division_code] AS divisions,
         min(f.prev_id || '-' || f.id) AS fingerprint,
         jsonb_build_object('code', c.code, 'pairs', jsonb_path_query_array(jsonb_agg(jsonb_build_object(
             'firstScanId', f.prev_id, 'secondScanId', f.id, 'km', round(f.km::numeric, 1),
             'minutes', round((f.hours * 60)::numeric, 1), 'kmPerHour', round((f.km / f.hours)::numeric))
           ORDER BY f.device_time), '$[0 to 4]')) AS details
    FROM legs f
    JOIN containers c ON c.id = f.container_id
    JOIN organisations g ON g.id = c.organisation_id
    JOIN thr ON thr.division_code = g.division_code
   WHERE f.km > thr."minDistanceKm" AND f.km / f.hours > thr."maxSpeedKmh"
   GROUP BY c.id, c.organisation_id, g.division_code, c.code, c.holder_id`;

/** Rejected labels of one kind at the scanning organisation, since its last alert was resolved by a regulator. */
const labelRejections =
  (rule: RuleCode, reason: string): ViolationSql =>
  (s) => `
  SELECT o.id AS subject_id, o.id AS organisation_id, o.division_code, ARRAY[o.id] AS party_ids, ARRAY[o.division_code] AS divisions,
         max(r.id)::text AS fingerprint,
         jsonb_build_object('rejections', count(*), 'lastAt', max(r.created_at),
           'latest', jsonb_path_query_array(jsonb_agg(jsonb_build_object('rejectionId', r.id, 'claimedCode', r.claimed_code,
                       'device', r.device, 'userId', r.user_id, 'at', r.created_at) ORDER BY r.id DESC), '$[0 to 4]')) AS details
    FROM label_rejections r
    JOIN organisations o ON o.id = r.organisation_id
   WHERE r.reason IN ('LABEL_SIGNATURE_INVALID','LABEL_NOT_ISSUED') AND r.reason = '${reason}'
     AND r.id > coalesce((SELECT max(a.fingerprint::bigint) FROM alerts a
                           WHERE a.rule = '${rule}' AND a.subject_id = o.id AND a.status = 'resolved' AND NOT a.resolved_automatically), 0)
     AND ${s.where('r.organisation_id')}
   GROUP BY o.id, o.division_code`;

const eventsOutOfOrder: ViolationSql = (s) => `
  WITH reasons AS (
    SELECT s.container_id, 'scanned_before_labelled' AS reason, s.id::text AS ref, s.organisation_id, s.device_time AS at
      FROM scans s
      JOIN containers c ON c.id = s.container_id
      JOIN organisations g ON g.id = c.organisation_id
      JOIN thr ON thr.division_code = g.division_code
     WHERE s.accepted AND s.device_time < c.created_at - interval '1 minute' * thr."toleranceMinutes"
       AND ${s.whole ? `s.received_at > now() - interval '1 day' * (SELECT max("lookbackDays") FROM thr)` : s.where('s.container_id')}
    UNION ALL
    SELECT s.container_id, 'scan_refused_out_of_order', s.id::text, s.organisation_id, s.device_time
      FROM scans s
     WHERE s.outcome_code = 'EVENTS_OUT_OF_ORDER' AND s.container_id IS NOT NULL AND ${s.where('s.container_id')}
    UNION ALL
    SELECT i.container_id,
           CASE WHEN i.arrived_at < i.loaded_at - tol.i THEN 'arrived_before_loaded'
                WHEN i.decided_at < i.arrived_at - tol.i THEN 'decided_before_arrival'
                ELSE 'final_operation_before_decision' END,
           i.manifest_id::text, m.receiver_id, coalesce(i.arrived_at, i.decided_at)
      FROM manifest_items i
      JOIN manifests m ON m.id = i.manifest_id
      JOIN containers c ON c.id = i.container_id
      JOIN organisations g ON g.id = c.organisation_id
      JOIN thr ON thr.division_code = g.division_code
      CROSS JOIN LATERAL (SELECT interval '1 minute' * thr."toleranceMinutes" AS i) tol
     WHERE least(i.arrived_at - i.loaded_at, i.decided_at - i.arrived_at, i.final_at - i.decided_at) < interval '0'
       AND least(i.arrived_at - i.loaded_at, i.decided_at - i.arrived_at, i.final_at - i.decided_at) < -tol.i
       AND ${s.where('i.container_id')}
  )
  SELECT c.id AS subject_id, (array_agg(r.organisation_id ORDER BY r.at, r.ref))[1] AS organisation_id,
         (array_agg(o.division_code ORDER BY r.at, r.ref))[1] AS division_code,
         array_agg(DISTINCT r.organisation_id) || c.organisation_id || c.holder_id AS party_ids,
         array_agg(DISTINCT o.division_code) || g.division_code AS divisions,
         md5(string_agg(r.reason || ':' || r.ref, ',' ORDER BY r.reason, r.ref)) AS fingerprint,
         jsonb_build_object('code', c.code, 'reasons',
           jsonb_agg(jsonb_build_object('reason', r.reason, 'ref', r.ref, 'organisationId', r.organisation_id, 'at', r.at) ORDER BY r.at)) AS details
    FROM reasons r
    JOIN containers c ON c.id = r.container_id
    JOIN organisations g ON g.id = c.organisation_id
    JOIN organisations o ON o.id = r.organisation_id
   GROUP BY c.id, c.code, c.organisation_id, c.holder_id, g.division_code`;

const orphanContainer: ViolationSql = (s) => `
  SELECT c.id AS subject_id, c.holder_id AS organisation_id, h.division_code,
         ARRAY[c.organisation_id, c.holder_id] AS party_ids, ARRAY[h.division_code] AS divisions,
         c.status || ':' || c.updated_at::text AS fingerprint,
         jsonb_build_object('code', c.code, 'status', c.status, 'since', c.updated_at, 'draftManifestId', d.manifest_id) AS details
    FROM containers c
    JOIN organisations h ON h.id = c.holder_id
    JOIN thr ON thr.division_code = h.division_code
    LEFT JOIN LATERAL (
      SELECT i.manifest_id FROM manifest_items i JOIN manifests m ON m.id = i.manifest_id
       WHERE i.container_id = c.id AND i.active AND m.status = 'draft' LIMIT 1
    ) d ON c.status = 'on_manifest'
   WHERE c.status IN ('registered','on_manifest') AND c.parent_id IS NULL
     AND (c.status = 'registered' OR d.manifest_id IS NOT NULL)
     AND c.updated_at < now() - interval '1 day' * (SELECT min(days) FROM thr)
     AND c.updated_at < now() - interval '1 day' * thr.days
     AND ${s.where('c.id')}`;

/**
 * Per unit and waste code: the kg not accounted for. A container is accounted for once it is stored,
 * listed, shipped, disposed of, or repackaged into new containers (with the kg the lineage records);
 * what remains are containers left `registered` past the grace period, and the shortfall between a
 * repackaged container's weight and the kg the lineage says went on. The unit is the holder (for a
 * collection point repackaging others' waste, it is the one that lost the kg).
 */
const massBalanceOpen: ViolationSql = (s) => `
  WITH gaps AS (
    SELECT c.holder_id AS unit, c.waste_code,
           sum(CASE WHEN c.status = 'registered' THEN c.net_weight_kg ELSE c.net_weight_kg - coalesce(l.kg, 0) END) AS unaccounted
      FROM containers c
      JOIN organisations o ON o.id = c.holder_id
      JOIN thr ON thr.division_code = o.division_code
      LEFT JOIN LATERAL (SELECT sum(x.kg) AS kg FROM container_lineage x WHERE x.input_id = c.id) l ON c.status = 'consolidated'
     WHERE c.status IN ('registered','consolidated')
       AND (c.status = 'consolidated' OR c.updated_at < now() - interval '1 day' * thr."graceDays")
       AND ${s.where('c.holder_id')}
     GROUP BY c.holder_id, c.waste_code
    HAVING sum(CASE WHEN c.status = 'registered' THEN c.net_weight_kg ELSE c.net_weight_kg - coalesce(l.kg, 0) END) > 0
  ), totals AS (
    SELECT g.unit, g.waste_code,
           (SELECT coalesce(sum(c.net_weight_kg), 0) FROM containers c
             WHERE c.waste_code = g.waste_code AND (c.organisation_id = g.unit OR c.holder_id = g.unit)) AS handled
      FROM gaps g
  )
  SELECT o.id AS subject_id, o.id AS organisation_id, o.division_code, ARRAY[o.id] AS party_ids, ARRAY[o.division_code] AS divisions,
         md5(string_agg(g.waste_code || ':' || round(g.unaccounted, 3)::text, ',' ORDER BY g.waste_code)) AS fingerprint,
         jsonb_build_object('wasteCodes', jsonb_agg(jsonb_build_object('wasteCode', g.waste_code, 'handledKg', t.handled,
                                                   'unaccountedKg', round(g.unaccounted, 3)) ORDER BY g.waste_code)) AS details
    FROM gaps g
    JOIN totals t ON t.unit = g.unit AND t.waste_code = g.waste_code
    JOIN organisations o ON o.id = g.unit
    JOIN thr ON thr.division_code = o.division_code
   WHERE g.unaccounted > thr."toleranceKg" AND g.unaccounted > thr."toleranceRatio" * t.handled
   GROUP BY o.id, o.division_code`;

const refusedWithoutOnward: ViolationSql = (s) => `
  SELECT i.container_id AS subject_id, m.receiver_id AS organisation_id, r.division_code,
         mp.ids AS party_ids, mp.divisions, i.manifest_id::text AS fingerprint,
         jsonb_build_object('manifestId', m.id, 'manifestNumber', m.number, 'code', c.code, 'refusedAt', i.decided_at,
                            'reason', i.refusal_reason) AS details
    FROM manifest_items i
    JOIN manifests m ON m.id = i.manifest_id
    JOIN containers c ON c.id = i.container_id
    JOIN organisations r ON r.id = m.receiver_id
    JOIN thr ON thr.division_code = r.division_code
    ${MANIFEST_PARTIES}
   WHERE i.decision = 'refused' AND i.onward_manifest_id IS NULL AND i.packed_in IS NULL
     AND m.status <> 'cancelled'
     AND i.decided_at <= now() - interval '1 hour' * thr."graceHours"
     AND ${s.where('i.container_id')}`;

const crossProvinceWithoutApproval: ViolationSql = (s) => `
  WITH crossing AS MATERIALIZED (
    SELECT m.id, m.number, m.generator_id, m.receiver_id, m.approval_id, g.division_code AS origin, r.division_code AS destination,
           (coalesce(m.departed_at, m.submitted_at, m.created_at) AT TIME ZONE 'Asia/Shanghai')::date AS day
      FROM manifests m
      JOIN organisations g ON g.id = m.generator_id
      JOIN organisations r ON r.id = m.receiver_id
     WHERE m.status NOT IN ('draft','cancelled') AND left(g.division_code, 2) <> left(r.division_code, 2)
       AND ${s.where('m.id')}
  )
  SELECT m.id AS subject_id, m.generator_id AS organisation_id, m.origin AS division_code, mp.ids AS party_ids, mp.divisions,
         coalesce(m.approval_id::text, 'none') || ':' || p.problem AS fingerprint,
         jsonb_build_object('manifestNumber', m.number, 'approvalId', m.approval_id, 'problem', p.problem,
                            'originProvince', left(m.origin, 2), 'destinationProvince', left(m.destination, 2)) AS details
    FROM crossing m
    LEFT JOIN transfer_approvals a ON a.id = m.approval_id
    CROSS JOIN LATERAL (SELECT CASE
        WHEN a.id IS NULL THEN 'no_approval'
        WHEN a.generator_id <> m.generator_id OR a.receiver_id <> m.receiver_id THEN 'approval_for_other_parties'
        WHEN NOT (a.waste_codes @> coalesce(${MANIFEST_CODES}, '{}')) THEN 'waste_code_not_approved'
        WHEN m.day NOT BETWEEN a.valid_from AND a.valid_to THEN 'not_valid_on_transfer_day'
        WHEN a.valid_to > coalesce((SELECT max(l.valid_to) FROM licences_current l
                                     WHERE l.organisation_id = m.receiver_id AND l.kind = 'hw_operating'), '-infinity'::date)
          THEN 'outlasts_receiver_licence'
      END AS problem) p
    ${MANIFEST_PARTIES}
   WHERE p.problem IS NOT NULL`;

export const VIOLATIONS: Readonly<Record<RuleCode, ViolationSql>> = {
  IN_TRANSIT_TOO_LONG: inTransitTooLong,
  LISTED_NOT_LOADED: listedNotLoaded,
  ARRIVED_WITHOUT_LOADING: arrivedWithoutLoading,
  WEIGHT_DISCREPANCY: weightDiscrepancy,
  NO_FINAL_OPERATION: noFinalOperation,
  RECEIPT_NOT_CONFIRMED_IN_TIME: receiptNotConfirmed,
  STORED_TOO_LONG: storedTooLong,
  RECEIVER_UNLICENSED: receiverUnlicensed,
  LICENCE_EXPIRED: licenceExpired,
  CAPACITY_EXCEEDED: capacityExceeded,
  CARRIER_UNLICENSED: carrierUnlicensed,
  CLONED_LABEL: clonedLabel,
  LABEL_FORGED: labelRejections('LABEL_FORGED', 'LABEL_SIGNATURE_INVALID'),
  CODE_NEVER_ISSUED: labelRejections('CODE_NEVER_ISSUED', 'LABEL_NOT_ISSUED'),
  EVENTS_OUT_OF_ORDER: eventsOutOfOrder,
  ORPHAN_CONTAINER: orphanContainer,
  MASS_BALANCE_OPEN: massBalanceOpen,
  REFUSED_WITHOUT_ONWARD: refusedWithoutOnward,
  CROSS_PROVINCE_WITHOUT_APPROVAL: crossProvinceWithoutApproval,
};
