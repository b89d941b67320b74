/**
 * `npm run bench -- reconcile`: reconciliation over a synthetic district-year.
 *
 * 1. A database of its own, migrated, with the catalogue and the demo district.
 * 2. A district-year generated in SQL (generate_series): ~2,000 units, 100,000 manifests with their
 *    legs and items, 1,000,000 containers, ~1.9 million custody scans, licences, storage. Everything
 *    is clean except anomalies injected at known places; the generator records each one as the
 *    (rule, subject) alert it must raise.
 * 3. A full sweep (every rule, whole database): wall time, then precision and recall of the open
 *    alerts against the injected anomalies.
 * 4. The incremental path under a steady stream of custody scans through the running API (a child
 *    process), a worker in this process: time from a scan's response to its alert being visible.
 *
 * Last line: RESULT {"containers":…,"sweep_s":…,"precision":…,"recall":…,"event_to_alert_p95_ms":…}
 * Sizes: BENCH_CONTAINERS (1,000,000), BENCH_MANIFESTS (100,000), BENCH_STREAM_SCANS_PER_S (20).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { RULE_CODES, SweepService, startReconciliationWorker } from '@app/reconciliation';
import { runSeeds } from '../seeds/run';
import { callApi, freshDatabase, percentile, round, startApi } from './support';

const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 1_000_000);
const MANIFESTS = Number(process.env.BENCH_MANIFESTS ?? 100_000);
const SCANS_PER_S = Number(process.env.BENCH_STREAM_SCANS_PER_S ?? 20);
const STREAM_MANIFESTS = Number(process.env.BENCH_STREAM_MANIFESTS ?? 20);
const STREAM_DRUMS = 20;
const GENERATORS = 2_000;
const MEDICAL_GENERATORS = 300;
const PORT = 3927;
const DB = 'wasteledger_bench_reconcile';

const log = (line: string): void => void process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// The district-year, in SQL. $1 is the moment "now" of the whole data set.

const ORG = 0xb0; // organisations: generators 1..2000, receivers 3001.., carriers 4001.., collectors 5001..
const FAC = 0xb1;
const MAN = 0xb2;
const CON = 0xb3;
const VEH = 0xb4;

const SETUP = [
  `CREATE FUNCTION bench_uuid(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
     $$ SELECT (lpad(to_hex(kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$`,
  // A pseudo-random fraction in [0, 1) per (n, salt): deterministic, so every run builds the same year.
  `CREATE FUNCTION bench_rand(n bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
     $$ SELECT ('x' || substr(md5(n::text || ':' || salt), 1, 8))::bit(32)::bigint / 4294967296.0 $$`,
  `CREATE TABLE bench_expected (rule text NOT NULL, subject_id uuid NOT NULL, PRIMARY KEY (rule, subject_id))`,
];

/** Units, their facilities and licences, carriers with vehicles and permits. */
const PARTIES = [
  // Generators: 1..300 hospitals and clinics (one medical code each), the rest industrial (one hazardous code each).
  `INSERT INTO organisations (id, uscc, name, division_code, lat, lng, roles, generator_kind, medical_level, management_class)
   SELECT bench_uuid(${ORG}, g), '91500106' || lpad(g::text, 10, '0'), '合成产生单位' || g, '500106',
          29.5 + 0.2 * bench_rand(g, 1), 106.3 + 0.2 * bench_rand(g, 2), ARRAY['generator'],
          CASE WHEN g <= ${MEDICAL_GENERATORS} THEN 'medical' ELSE 'industrial' END,
          CASE WHEN g <= ${MEDICAL_GENERATORS} THEN 'secondary' END, 'key'
     FROM generate_series(1, ${GENERATORS}) g`,
  `INSERT INTO facilities (id, organisation_id, code, name, capacity_tonnes)
   SELECT bench_uuid(${FAC}, g), bench_uuid(${ORG}, g), 'WF-01', '贮存间', 50 FROM generate_series(1, ${GENERATORS}) g`,
  // Receivers: 3001..3003 hazardous, 3004..3006 medical; 3007 licensed for HW08 only, 3008 with a lapsed
  // licence, 3009 with 1 t of capacity, 3010 in Chengdu (another province).
  `INSERT INTO organisations (id, uscc, name, division_code, lat, lng, roles)
   SELECT bench_uuid(${ORG}, r), '91' || CASE WHEN r = 3010 THEN '510104' ELSE '500106' END || lpad(r::text, 10, '0'),
          '合成接收单位' || r, CASE WHEN r = 3010 THEN '510104' ELSE '500106' END,
          CASE WHEN r = 3010 THEN 30.66 ELSE 29.5 + 0.2 * bench_rand(r, 1) END, CASE WHEN r = 3010 THEN 104.07 ELSE 106.3 + 0.2 * bench_rand(r, 2) END,
          ARRAY['receiver']
     FROM generate_series(3001, 3010) r`,
  `INSERT INTO licences (organisation_id, kind, number, modes, waste_categories, annual_capacity_tonnes, valid_from, valid_to)
   SELECT bench_uuid(${ORG}, r), 'hw_operating', '合成经营许可' || r, ARRAY['收集','贮存','处置'],
          CASE WHEN r IN (3004, 3005, 3006) THEN ARRAY['HW01'] WHEN r = 3007 THEN ARRAY['HW08'] ELSE ARRAY['HW08','HW12','HW49'] END,
          CASE WHEN r = 3009 THEN 1 ELSE 1000000 END,
          (($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 800),
          CASE WHEN r = 3008 THEN ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 1 ELSE ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + 1500 END
     FROM generate_series(3001, 3010) r`,
  // Carriers: 4001..4003 hazardous (classes 3, 6.1, 8, 9), 4004..4006 medical (6.2); 4007 carries medical waste
  // on a permit for class 3 only.
  `INSERT INTO organisations (id, uscc, name, division_code, lat, lng, roles)
   SELECT bench_uuid(${ORG}, c), '91500106' || lpad(c::text, 10, '0'), '合成运输单位' || c, '500106', 29.6, 106.4, ARRAY['transporter']
     FROM generate_series(4001, 4007) c`,
  `INSERT INTO vehicles (id, organisation_id, plate) SELECT bench_uuid(${VEH}, c), bench_uuid(${ORG}, c), '渝Z·' || c FROM generate_series(4001, 4007) c`,
  `INSERT INTO licences (organisation_id, kind, vehicle_id, number, dangerous_goods_classes, valid_from, valid_to)
   SELECT bench_uuid(${ORG}, c), k, CASE WHEN k = 'vehicle_permit' THEN bench_uuid(${VEH}, c) END, '合成运输许可' || k || c,
          CASE WHEN c <= 4003 THEN ARRAY['3','6.1','8','9'] WHEN c = 4007 THEN ARRAY['3'] ELSE ARRAY['6.2'] END,
          (($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 800), (($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + 1500)
     FROM generate_series(4001, 4007) c, unnest(ARRAY['road_transport', 'vehicle_permit']) k`,
  // Collection points: 5001..5010; each repackages 20 drums of its own. 5001..5005 lose 400 kg of every 500.
  `INSERT INTO organisations (id, uscc, name, division_code, lat, lng, roles, generator_kind, management_class)
   SELECT bench_uuid(${ORG}, c), '91500106' || lpad(c::text, 10, '0'), '合成收集点' || c, '500106', 29.55, 106.41,
          ARRAY['collector','generator'], 'small_other', 'key'
     FROM generate_series(5001, 5010) c`,
  `INSERT INTO facilities (id, organisation_id, code, name, capacity_tonnes)
   SELECT bench_uuid(${FAC}, c), bench_uuid(${ORG}, c), 'ZC-01', '集中贮存库', 3 FROM generate_series(5001, 5010) c`,
];

/**
 * Each manifest's plan: generator, receiver, carrier, submission time (spread over the year, newest
 * last) and the stage the time implies. Injections then change some plans before anything is written.
 */
const PLAN = [
  `CREATE TABLE bench_manifest AS
   SELECT m, g, medical, t,
          CASE WHEN medical THEN 3004 + m % 3 ELSE 3001 + m % 3 END AS receiver,
          CASE WHEN medical THEN 4004 + m % 3 ELSE 4001 + m % 3 END AS carrier,
          CASE WHEN t > $1::timestamptz - interval '1 hour' THEN 'submitted'
               WHEN t > $1::timestamptz - interval '6 hours' THEN 'in_transit'
               WHEN t > $1::timestamptz - interval '2 days' THEN 'received'
               ELSE 'completed' END AS stage
     FROM (SELECT m, (m % ${GENERATORS}) + 1 AS g, (m % ${GENERATORS}) + 1 <= ${MEDICAL_GENERATORS} AS medical,
                  $1::timestamptz - make_interval(secs => (${MANIFESTS} - m)::float8 * 365 * 86400 / ${MANIFESTS} + 60) AS t
             FROM generate_series(1, ${MANIFESTS}) m) x`,
  `ALTER TABLE bench_manifest ADD PRIMARY KEY (m)`,
];

/** Picks `n` manifests matching `where`, spread over the candidates, and sets `set` on them. */
const pick = (n: number, where: string, set: string): string => `
  UPDATE bench_manifest b SET ${set}
    FROM (SELECT m FROM (SELECT m, row_number() OVER (ORDER BY bench_rand(m, 7)) AS k FROM bench_manifest WHERE ${where}) c WHERE k <= ${n}) p
   WHERE b.m = p.m`;

/** Manifest-level anomalies, decided on the plan. */
const INJECT_PLAN = [
  `ALTER TABLE bench_manifest ADD COLUMN anomaly text`,
  // 1: five trucks loaded a day and a half ago and still on the road.
  pick(5, `stage = 'received' AND NOT medical AND t < $1::timestamptz - interval '30 hours'`, `stage = 'in_transit', anomaly = 'IN_TRANSIT_TOO_LONG'`),
  // 2: one drum left behind on each of 20 departed trucks.
  pick(20, `stage = 'in_transit' AND anomaly IS NULL`, `anomaly = 'LISTED_NOT_LOADED'`),
  // 3: one container per manifest arrived with no loading scan.
  pick(20, `stage = 'received' AND anomaly IS NULL`, `anomaly = 'ARRIVED_WITHOUT_LOADING'`),
  // 4: one container per manifest weighed 30% light at the receiver.
  pick(50, `stage = 'completed' AND anomaly IS NULL`, `anomaly = 'WEIGHT_DISCREPANCY'`),
  // 5: accepted 40–60 days ago, confirmed, never disposed of; received 10–20 days ago, never confirmed.
  pick(5, `stage = 'completed' AND t BETWEEN $1::timestamptz - interval '60 days' AND $1::timestamptz - interval '40 days'`, `stage = 'confirmed', anomaly = 'NO_FINAL_OPERATION'`),
  pick(20, `stage = 'completed' AND anomaly IS NULL AND t BETWEEN $1::timestamptz - interval '20 days' AND $1::timestamptz - interval '10 days'`, `stage = 'received', anomaly = 'RECEIPT_NOT_CONFIRMED_IN_TIME'`),
  // 7: hazardous waste on its way to a receiver licensed for HW08 only (the loads are HW49),
  //    to one whose licence lapsed yesterday, and a year's waste to one licensed for 1 t.
  pick(10, `stage IN ('in_transit','received') AND NOT medical AND anomaly IS NULL`, `receiver = 3007, anomaly = 'RECEIVER_UNLICENSED'`),
  pick(10, `stage IN ('in_transit','received') AND NOT medical AND anomaly IS NULL`, `receiver = 3008, anomaly = 'LICENCE_EXPIRED'`),
  pick(10, `stage = 'completed' AND NOT medical AND anomaly IS NULL AND t > $1::timestamptz - interval '20 days'`, `receiver = 3009, anomaly = 'CAPACITY_EXCEEDED'`),
  //    and medical waste with a carrier whose permit covers class 3 only.
  pick(10, `stage IN ('submitted','in_transit') AND medical AND anomaly IS NULL`, `carrier = 4007, anomaly = 'CARRIER_UNLICENSED'`),
  // 11: one container per manifest refused and left with the receiver.
  pick(20, `stage = 'completed' AND anomaly IS NULL AND t BETWEEN $1::timestamptz - interval '30 days' AND $1::timestamptz - interval '4 days'`, `stage = 'refused', anomaly = 'REFUSED_WITHOUT_ONWARD'`),
  // 12: hazardous waste to Chengdu with no approval.
  pick(10, `stage = 'completed' AND NOT medical AND anomaly IS NULL`, `receiver = 3010, anomaly = 'CROSS_PROVINCE_WITHOUT_APPROVAL'`),
  // 8 and 9 pick containers on recent manifests: a cloned label, a scan dated before the label.
  pick(30, `stage IN ('completed','received') AND anomaly IS NULL AND t > $1::timestamptz - interval '20 days'`, `anomaly = 'CLONED_LABEL'`),
  pick(30, `stage = 'received' AND anomaly IS NULL`, `anomaly = 'EVENTS_OUT_OF_ORDER'`),
];

/** Containers: n <= on-manifest count travel on manifest ((n - 1) % MANIFESTS) + 1; the rest sit in storage. */
const ON_MANIFESTS = Math.round(CONTAINERS * 0.95);

const CONTAINER_ROWS = [
  `CREATE TABLE bench_container AS
   SELECT n, b.m, b.g, b.medical, b.receiver, b.carrier, b.stage, b.t, b.anomaly,
          -- The manifest's first container carries the per-container anomalies of the manifest.
          n <= ${MANIFESTS} AS first_on_manifest,
          CASE WHEN b.medical THEN CASE WHEN b.g % 2 = 0 THEN '841-001-01' ELSE '841-002-01' END
               WHEN b.anomaly = 'RECEIVER_UNLICENSED' THEN '900-041-49'
               ELSE (ARRAY['900-214-08','900-249-08','900-041-49','900-047-49','900-252-12'])[1 + b.g % 5] END AS code,
          CASE WHEN b.medical THEN b.t - make_interval(hours => (n % 20)::int) ELSE b.t - make_interval(days => (n % 20)::int) END AS generated
     FROM generate_series(1, ${ON_MANIFESTS}) n
     JOIN bench_manifest b ON b.m = ((n - 1) % ${MANIFESTS}) + 1`,
  `ALTER TABLE bench_container ADD PRIMARY KEY (n)`,
  `ALTER TABLE bench_container ADD COLUMN item_anomaly text`,
  `UPDATE bench_container SET item_anomaly = anomaly
    WHERE (first_on_manifest AND anomaly IN ('LISTED_NOT_LOADED','ARRIVED_WITHOUT_LOADING','WEIGHT_DISCREPANCY','REFUSED_WITHOUT_ONWARD','CLONED_LABEL','EVENTS_OUT_OF_ORDER'))
       OR anomaly IN ('IN_TRANSIT_TOO_LONG','NO_FINAL_OPERATION')`,
  `ANALYZE bench_container`,
];

/** Item and container state by stage. */
const TIMES = `
  b.t + interval '10 minutes' AS loaded, b.t + interval '20 minutes' AS departed, b.t + interval '3 hours' AS arrived,
  b.t + interval '4 hours' AS decided, b.t + interval '2 days' AS finished`;

const WRITE = [
  `INSERT INTO manifests (id, number, generator_id, receiver_id, kind, status, planned_start, planned_end, submitted_at, departed_at, arrived_at,
                          accepted_at, confirm_deadline, confirmed_at, completed_at, created_at, updated_at)
   SELECT bench_uuid(${MAN}, b.m), '20265001' || lpad(b.m::text, 6, '0'), bench_uuid(${ORG}, b.g), bench_uuid(${ORG}, b.receiver),
          CASE WHEN b.medical THEN 'medical' ELSE 'hazardous' END,
          CASE b.stage WHEN 'refused' THEN 'confirmed' ELSE b.stage END,
          b.t, b.t + interval '4 hours', b.t,
          CASE WHEN b.stage <> 'submitted' THEN x.departed END,
          CASE WHEN b.stage NOT IN ('submitted','in_transit') THEN x.arrived END,
          CASE WHEN b.stage NOT IN ('submitted','in_transit') THEN x.decided END,
          CASE WHEN b.anomaly = 'RECEIPT_NOT_CONFIRMED_IN_TIME' THEN ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - 3
               WHEN b.stage NOT IN ('submitted','in_transit') THEN (x.decided AT TIME ZONE 'Asia/Shanghai')::date + 7 END,
          CASE WHEN b.stage IN ('completed','confirmed','refused') THEN b.t + interval '1 day' END,
          CASE WHEN b.stage = 'completed' THEN x.finished END,
          b.t - interval '1 hour', b.t
     FROM bench_manifest b CROSS JOIN LATERAL (SELECT ${TIMES}) x`,
  // The numbers above are taken: the API's next manifest in this city and year continues after them.
  `INSERT INTO manifest_serials (prefix, last_serial) VALUES ('20265001', ${MANIFESTS}) ON CONFLICT (prefix) DO UPDATE SET last_serial = ${MANIFESTS}`,
  `INSERT INTO manifest_legs (manifest_id, leg_no, carrier_id, vehicle_id)
   SELECT bench_uuid(${MAN}, m), 1, bench_uuid(${ORG}, carrier), bench_uuid(${VEH}, carrier) FROM bench_manifest`,
  `INSERT INTO containers (id, code, organisation_id, holder_id, waste_code, is_medical, waste_name, physical_form, hazard_codes, container_type,
                           volume_litres, net_weight_kg, generated_at, status, created_at, updated_at)
   SELECT bench_uuid(${CON}, c.n), '91500106' || lpad(c.g::text, 10, '0') || replace(c.code, '-', '') || to_char(c.generated, 'YYYYMMDD') || lpad(c.n::text, 7, '0'),
          bench_uuid(${ORG}, c.g),
          bench_uuid(${ORG}, CASE WHEN c.stage = 'submitted' OR c.item_anomaly = 'LISTED_NOT_LOADED' THEN c.g
                                  WHEN c.stage = 'in_transit' THEN c.carrier ELSE c.receiver END),
          c.code, c.medical, CASE WHEN c.medical THEN '感染性废物' ELSE '废矿物油与含矿物油废物' END,
          CASE WHEN c.medical THEN 'solid' ELSE 'liquid' END, ARRAY['T'], CASE WHEN c.medical THEN 'bag' ELSE 'drum' END,
          CASE WHEN c.medical THEN 20 ELSE 200 END, CASE WHEN c.medical THEN 5 ELSE 50 + c.n % 10 END, c.generated,
          CASE WHEN c.stage = 'submitted' OR c.item_anomaly = 'LISTED_NOT_LOADED' THEN 'on_manifest'
               WHEN c.stage = 'in_transit' THEN 'in_transit'
               WHEN c.item_anomaly = 'REFUSED_WITHOUT_ONWARD' THEN 'refused'
               WHEN c.stage IN ('received','confirmed') THEN 'received'
               ELSE 'disposed' END,
          c.generated + interval '1 minute', c.t
     FROM bench_container c`,
  `INSERT INTO manifest_items (manifest_id, container_id, waste_code, declared_weight_kg, active, current_leg, loaded_at, arrived_at,
                               received_weight_kg, decision, accepted_kg, refused_kg, refusal_reason, decided_at, final_method, final_at)
   SELECT bench_uuid(${MAN}, c.m), bench_uuid(${CON}, c.n), c.code, w.kg,
          c.stage NOT IN ('completed','refused'),
          CASE WHEN s.loaded THEN 1 END,
          CASE WHEN s.loaded THEN x.loaded END,
          CASE WHEN s.arrived THEN x.arrived END,
          CASE WHEN s.arrived THEN CASE WHEN c.item_anomaly = 'WEIGHT_DISCREPANCY' THEN round(w.kg * 0.7, 3) ELSE w.kg END END,
          CASE WHEN s.arrived THEN CASE WHEN c.item_anomaly = 'REFUSED_WITHOUT_ONWARD' THEN 'refused' ELSE 'accepted' END END,
          CASE WHEN s.arrived THEN CASE WHEN c.item_anomaly = 'REFUSED_WITHOUT_ONWARD' THEN 0 ELSE w.kg END END,
          CASE WHEN s.arrived THEN CASE WHEN c.item_anomaly = 'REFUSED_WITHOUT_ONWARD' THEN w.kg ELSE 0 END END,
          CASE WHEN c.item_anomaly = 'REFUSED_WITHOUT_ONWARD' THEN '包装破损' END,
          CASE WHEN s.arrived THEN x.decided END,
          CASE WHEN c.stage IN ('completed','refused') AND c.item_anomaly IS DISTINCT FROM 'REFUSED_WITHOUT_ONWARD' THEN CASE WHEN c.medical THEN 'D10' ELSE 'C1' END END,
          CASE WHEN c.stage IN ('completed','refused') AND c.item_anomaly IS DISTINCT FROM 'REFUSED_WITHOUT_ONWARD' THEN x.finished END
     FROM bench_container c
     JOIN bench_manifest b ON b.m = c.m
     CROSS JOIN LATERAL (SELECT ${TIMES}) x
     CROSS JOIN LATERAL (SELECT CASE WHEN c.medical THEN 5 ELSE 50 + c.n % 10 END::numeric AS kg) w
     CROSS JOIN LATERAL (SELECT c.stage <> 'submitted' AND c.item_anomaly IS DISTINCT FROM 'LISTED_NOT_LOADED' AND c.item_anomaly IS DISTINCT FROM 'ARRIVED_WITHOUT_LOADING' AS loaded,
                                c.stage NOT IN ('submitted','in_transit') AS arrived) s`,
  // Custody scans: loading at the generator, arrival at the receiver, with positions.
  `INSERT INTO scans (device_id, idempotency_key, kind, manifest_id, container_id, claimed_code, organisation_id, user_id, device_time, received_at,
                      lat, lng, weight_kg, accepted, outcome_code, request_fingerprint)
   SELECT 'pda-' || c.carrier, 'L' || c.n, 'load', bench_uuid(${MAN}, c.m), bench_uuid(${CON}, c.n), NULL, bench_uuid(${ORG}, c.carrier),
          bench_uuid(${ORG}, c.carrier), d.t, d.t + interval '1 second', g.lat, g.lng, NULL, true, 'ACCEPTED', 'bench'
     FROM bench_container c
     JOIN bench_manifest b ON b.m = c.m
     JOIN organisations g ON g.id = bench_uuid(${ORG}, c.g)
     CROSS JOIN LATERAL (SELECT CASE WHEN c.item_anomaly = 'EVENTS_OUT_OF_ORDER' THEN c.generated - interval '3 hours' ELSE b.t + interval '10 minutes' END AS t) d
    WHERE c.stage <> 'submitted' AND c.item_anomaly IS DISTINCT FROM 'LISTED_NOT_LOADED' AND c.item_anomaly IS DISTINCT FROM 'ARRIVED_WITHOUT_LOADING'`,
  `INSERT INTO scans (device_id, idempotency_key, kind, manifest_id, container_id, claimed_code, organisation_id, user_id, device_time, received_at,
                      lat, lng, weight_kg, accepted, outcome_code, request_fingerprint)
   SELECT 'gate-' || c.receiver, 'A' || c.n, 'arrive', bench_uuid(${MAN}, c.m), bench_uuid(${CON}, c.n), NULL, bench_uuid(${ORG}, c.receiver),
          bench_uuid(${ORG}, c.receiver), b.t + interval '3 hours', b.t + interval '3 hours 1 second', r.lat, r.lng, NULL, true, 'ACCEPTED', 'bench'
     FROM bench_container c
     JOIN bench_manifest b ON b.m = c.m
     JOIN organisations r ON r.id = bench_uuid(${ORG}, c.receiver)
    WHERE c.stage NOT IN ('submitted','in_transit')`,
  // A copy of the label scanned in Chengdu three minutes after loading (refused, recorded).
  `INSERT INTO scans (device_id, idempotency_key, kind, manifest_id, container_id, claimed_code, organisation_id, user_id, device_time, received_at,
                      lat, lng, accepted, outcome_code, request_fingerprint)
   SELECT 'pda-clone', 'C' || c.n, 'load', bench_uuid(${MAN}, c.m), bench_uuid(${CON}, c.n), NULL, bench_uuid(${ORG}, c.carrier), bench_uuid(${ORG}, c.carrier),
          b.t + interval '13 minutes', b.t + interval '13 minutes', 30.6598, 104.0657, false, 'ALREADY_LOADED', 'bench'
     FROM bench_container c JOIN bench_manifest b ON b.m = c.m
    WHERE c.item_anomaly = 'CLONED_LABEL'`,
  // What waits in storage: recent enough for every limit.
  `INSERT INTO containers (id, code, organisation_id, holder_id, waste_code, is_medical, waste_name, physical_form, hazard_codes, container_type,
                           volume_litres, net_weight_kg, generated_at, status, facility_id, stored_since, created_at, updated_at)
   SELECT bench_uuid(${CON}, n), '91500106' || lpad(g::text, 10, '0') || replace(code, '-', '') || to_char(gen, 'YYYYMMDD') || lpad(n::text, 7, '0'),
          bench_uuid(${ORG}, g), bench_uuid(${ORG}, g), code, medical, '贮存中的废物', 'solid', ARRAY['T'], CASE WHEN medical THEN 'bag' ELSE 'drum' END,
          20, CASE WHEN medical THEN 5 ELSE 50 END, gen, 'stored', bench_uuid(${FAC}, g), gen + interval '5 minutes', gen + interval '1 minute', gen + interval '5 minutes'
     FROM (SELECT n, g, g <= ${MEDICAL_GENERATORS} AS medical,
                  CASE WHEN g <= ${MEDICAL_GENERATORS} THEN CASE WHEN g % 2 = 0 THEN '841-001-01' ELSE '841-002-01' END
                       ELSE (ARRAY['900-214-08','900-249-08','900-041-49','900-047-49','900-252-12'])[1 + g % 5] END AS code,
                  CASE WHEN g <= ${MEDICAL_GENERATORS} THEN $1::timestamptz - make_interval(hours => (n % 40)::int) - interval '10 minutes'
                       ELSE $1::timestamptz - make_interval(days => (n % 300)::int) - interval '10 minutes' END AS gen
             FROM (SELECT n, (n % ${GENERATORS}) + 1 AS g FROM generate_series(${ON_MANIFESTS + 1}, ${CONTAINERS}) n) y) x`,
  `INSERT INTO storage_stays (container_id, facility_id, in_at)
   SELECT id, facility_id, stored_since FROM containers WHERE status = 'stored'`,
];

/** Container- and unit-level anomalies that are not about a manifest. */
const INJECT_OTHERS = [
  // 6: medical waste kept three days, hazardous waste 400 days.
  `UPDATE containers SET generated_at = $1::timestamptz - interval '3 days', created_at = $1::timestamptz - interval '3 days', stored_since = $1::timestamptz - interval '3 days'
    WHERE id IN (SELECT bench_uuid(${CON}, n) FROM generate_series(${ON_MANIFESTS + 1}, ${CONTAINERS}) n WHERE (n % ${GENERATORS}) + 1 <= ${MEDICAL_GENERATORS} LIMIT 25)`,
  `UPDATE containers SET generated_at = $1::timestamptz - interval '400 days', created_at = $1::timestamptz - interval '400 days', stored_since = $1::timestamptz - interval '399 days'
    WHERE id IN (SELECT bench_uuid(${CON}, n) FROM generate_series(${ON_MANIFESTS + 1}, ${CONTAINERS}) n WHERE (n % ${GENERATORS}) + 1 > ${MEDICAL_GENERATORS} LIMIT 25)`,
  `INSERT INTO bench_expected SELECT 'STORED_TOO_LONG', id FROM containers
    WHERE status = 'stored' AND generated_at IN ($1::timestamptz - interval '3 days', $1::timestamptz - interval '400 days')`,
  // 10: forty 10 kg drums labelled twenty days ago and left unaccounted for (each under 1% of its unit's
  // total, so the unit's mass balance still closes within tolerance).
  `UPDATE containers SET status = 'registered', facility_id = NULL, stored_since = NULL, net_weight_kg = 10,
          generated_at = $1::timestamptz - interval '20 days', created_at = $1::timestamptz - interval '20 days', updated_at = $1::timestamptz - interval '20 days'
    WHERE id IN (SELECT bench_uuid(${CON}, n) FROM (SELECT n FROM generate_series(${ON_MANIFESTS + 1}, ${CONTAINERS}) n WHERE (n % ${GENERATORS}) + 1 > ${MEDICAL_GENERATORS} ORDER BY n DESC LIMIT 40) o)`,
  `UPDATE storage_stays SET out_at = $1::timestamptz - interval '20 days', in_at = $1::timestamptz - interval '21 days'
    WHERE container_id IN (SELECT bench_uuid(${CON}, n) FROM (SELECT n FROM generate_series(${ON_MANIFESTS + 1}, ${CONTAINERS}) n WHERE (n % ${GENERATORS}) + 1 > ${MEDICAL_GENERATORS} ORDER BY n DESC LIMIT 40) o)`,
  `INSERT INTO bench_expected SELECT 'ORPHAN_CONTAINER', bench_uuid(${CON}, n) FROM (SELECT n FROM generate_series(${ON_MANIFESTS + 1}, ${CONTAINERS}) n WHERE (n % ${GENERATORS}) + 1 > ${MEDICAL_GENERATORS} ORDER BY n DESC LIMIT 40) o`,
  // 10: collection points repackaging 20 drums of 500 kg each; 5001..5005 record only 100 kg going on.
  `INSERT INTO containers (id, code, organisation_id, holder_id, waste_code, is_medical, waste_name, physical_form, hazard_codes, container_type,
                           volume_litres, net_weight_kg, generated_at, status, facility_id, stored_since, created_at, updated_at)
   SELECT bench_uuid(${CON}, 10000000 + u * 100 + k), '91500106' || lpad(u::text, 10, '0') || '90021408' || to_char($1::timestamptz, 'YYYYMMDD') || lpad(k::text, 3, '0'),
          bench_uuid(${ORG}, u), bench_uuid(${ORG}, u), '900-214-08', false, '废矿物油', 'liquid', ARRAY['T'], 'drum', 200,
          CASE WHEN k = 0 THEN CASE WHEN u <= 5005 THEN 2000 ELSE 10000 END ELSE 500 END, $1::timestamptz - interval '2 days',
          CASE WHEN k = 0 THEN 'stored' ELSE 'consolidated' END,
          CASE WHEN k = 0 THEN bench_uuid(${FAC}, u) END, CASE WHEN k = 0 THEN $1::timestamptz - interval '1 day' END,
          $1::timestamptz - interval '2 days', $1::timestamptz - interval '1 day'
     FROM generate_series(5001, 5010) u, generate_series(0, 20) k`,
  `INSERT INTO container_lineage (output_id, input_id, kg)
   SELECT bench_uuid(${CON}, 10000000 + u * 100), bench_uuid(${CON}, 10000000 + u * 100 + k), CASE WHEN u <= 5005 THEN 100 ELSE 500 END
     FROM generate_series(5001, 5010) u, generate_series(1, 20) k`,
  `INSERT INTO bench_expected SELECT 'MASS_BALANCE_OPEN', bench_uuid(${ORG}, u) FROM generate_series(5001, 5005) u`,
  // 8: forged labels at 20 units, signed labels of codes never issued at 10.
  `INSERT INTO label_rejections (organisation_id, reason, payload, claimed_code, created_at)
   SELECT bench_uuid(${ORG}, g), CASE WHEN g <= 1020 THEN 'LABEL_SIGNATURE_INVALID' ELSE 'LABEL_NOT_ISSUED' END, 'WL1.forged', NULL, $1::timestamptz - interval '1 day'
     FROM generate_series(1001, 1030) g`,
  `INSERT INTO bench_expected SELECT CASE WHEN g <= 1020 THEN 'LABEL_FORGED' ELSE 'CODE_NEVER_ISSUED' END, bench_uuid(${ORG}, g) FROM generate_series(1001, 1030) g`,
  // The expected alerts of the manifest-level injections.
  `INSERT INTO bench_expected
   SELECT DISTINCT anomaly, bench_uuid(${MAN}, m) FROM bench_manifest
    WHERE anomaly IN ('RECEIPT_NOT_CONFIRMED_IN_TIME','RECEIVER_UNLICENSED','LICENCE_EXPIRED','CARRIER_UNLICENSED','CROSS_PROVINCE_WITHOUT_APPROVAL')
   UNION SELECT 'CAPACITY_EXCEEDED', bench_uuid(${ORG}, 3009)
   UNION SELECT item_anomaly, bench_uuid(${CON}, n) FROM bench_container WHERE item_anomaly IS NOT NULL`,
];

async function generate(url: string, now: Date): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'bench-reconcile-generate' });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query(`SET work_mem = '64MB'`);
    // Referential checks are triggers; a bulk load of known-consistent rows skips them (superuser only).
    await client.query(`SET session_replication_role = replica`).catch(() => log('  (not superuser: foreign keys are checked row by row)'));
    for (const [name, statements] of [
      ['setup', SETUP],
      ['parties', PARTIES],
      ['plan', PLAN],
      ['inject plan', INJECT_PLAN],
      ['containers plan', CONTAINER_ROWS],
      ['write', WRITE],
      ['inject others', INJECT_OTHERS],
    ] as const) {
      const started = Date.now();
      for (const sql of statements) {
        const params = sql.includes('$1') ? [now.toISOString()] : [];
        await client.query(sql, params);
      }
      log(`  ${name}: ${round((Date.now() - started) / 1000, 1)} s`);
    }
    await client.query(`SET session_replication_role = origin`).catch(() => undefined);
    const started = Date.now();
    await client.query(`VACUUM ANALYZE`);
    log(`  vacuum analyze: ${round((Date.now() - started) / 1000, 1)} s`);
  } finally {
    await client.end();
  }
}

interface Counts {
  containers: number;
  manifests: number;
  scans: number;
  items: number;
}

async function scalar<T>(client: Client, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await client.query(sql, params);
  return Object.values(rows[0] as Record<string, T>)[0];
}

// ---------------------------------------------------------------------------------------------
// The incremental path under a stream of scans.

const CARRIER1 = '00000000-0000-4000-8000-000000000107';
const KILN = '00000000-0000-4000-8000-000000000110';
const VEHICLE = '00000000-0000-4000-8000-000000000301';
const call = callApi;

interface StreamManifest {
  id: string;
  drums: { id: string; label: string }[];
}

async function prepareStream(base: string): Promise<StreamManifest[]> {
  const out: StreamManifest[] = [];
  for (let i = 0; i < STREAM_MANIFESTS; i++) {
    const reg = await call(base, 'factory', 'POST', '/api/v1/containers', {
      containers: Array.from({ length: STREAM_DRUMS }, () => ({
        wasteCode: '900-214-08', wasteName: '废机油', physicalForm: 'liquid', containerType: 'drum', volumeLitres: 200, netWeightKg: 180,
        generatedAt: new Date(Date.now() - 3_600_000).toISOString(),
      })),
    });
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.json)}`);
    const drums = (reg.json.containers as { id: string; qrPayload: string }[]).map((c) => ({ id: c.id, label: c.qrPayload }));
    const draft = await call(base, 'factory', 'POST', '/api/v1/manifests', {
      receiverId: KILN, legs: [{ carrierId: CARRIER1, vehicleId: VEHICLE }], containerIds: drums.map((d) => d.id), emergencyMeasures: '围堵、吸附、报告',
      plannedStart: new Date().toISOString(), plannedEnd: new Date(Date.now() + 3_600_000).toISOString(),
    });
    if (draft.status !== 201) throw new Error(`draft: ${draft.status} ${JSON.stringify(draft.json)}`);
    const submit = await call(base, 'factory', 'POST', `/api/v1/manifests/${draft.json.id}/submit`);
    if (submit.status !== 200) throw new Error(`submit: ${submit.status} ${JSON.stringify(submit.json)}`);
    out.push({ id: draft.json.id, drums });
  }
  return out;
}

/**
 * Every manifest: its drums loaded (every seventh is not), then arrivals; every third arrival weighs
 * 120 kg instead of 180. A scan that reveals a missing link is timed from its response to the moment
 * its alert is visible in the alerts table (polled every 10 ms).
 */
async function stream(base: string, url: string, manifests: StreamManifest[]): Promise<number[]> {
  const client = new Client({ connectionString: url, application_name: 'bench-reconcile-observer' });
  await client.connect();
  const pending = new Map<string, { rule: string; at: number }>();
  const latencies: number[] = [];
  let running = true;
  let stopAt = Infinity;
  const observer = (async () => {
    while (running || pending.size) {
      if (pending.size) {
        const { rows } = await client.query<{ rule: string; subject_id: string }>(
          `SELECT rule, subject_id::text FROM alerts WHERE subject_id = ANY($1::uuid[]) AND status <> 'resolved'`,
          [[...pending.keys()]],
        );
        const now = performance.now();
        for (const r of rows) {
          const p = pending.get(r.subject_id);
          if (p && p.rule === r.rule) {
            latencies.push(now - p.at);
            pending.delete(r.subject_id);
          }
        }
      }
      await new Promise((r) => setTimeout(r, 10));
      if (!running && pending.size && performance.now() > stopAt + 10_000) break;
    }
  })();
  const interval = 1000 / SCANS_PER_S;
  let next = performance.now();
  const tick = async (): Promise<void> => {
    next += interval;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  const scan = async (orgKey: string, body: Record<string, unknown>, expectStatus: number): Promise<number> => {
    const r = await call(base, orgKey, 'POST', '/api/v1/scans', { idempotencyKey: randomUUID(), deviceId: `bench-${orgKey}`, deviceTime: new Date().toISOString(), ...body });
    if (r.status !== expectStatus) throw new Error(`scan ${body.kind}: ${r.status} ${JSON.stringify(r.json)}`);
    return performance.now();
  };
  for (const m of manifests) {
    for (const [i, d] of m.drums.entries()) {
      if (i % 7 === 3) continue;
      await scan('carrier1', { kind: 'load', manifestId: m.id, label: d.label }, 201);
      await tick();
    }
    const departed = await call(base, 'carrier1', 'POST', `/api/v1/manifests/${m.id}/depart`);
    if (departed.status !== 200) throw new Error(`depart: ${departed.status}`);
    for (const [i, d] of m.drums.entries()) {
      const light = i % 3 === 0;
      const at = await scan('cementkiln', { kind: 'arrive', manifestId: m.id, label: d.label, weightKg: light ? 120 : 180 }, 201);
      if (i % 7 === 3) pending.set(d.id, { rule: 'ARRIVED_WITHOUT_LOADING', at });
      else if (light) pending.set(d.id, { rule: 'WEIGHT_DISCREPANCY', at });
      await tick();
    }
  }
  stopAt = performance.now();
  running = false;
  await observer;
  await client.end();
  if (pending.size) log(`  ${pending.size} alerts not seen within 10 s (counted as 10 s)`);
  for (const _ of pending) latencies.push(10_000);
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const wall = Date.now();
  log(`reconcile bench: ${CONTAINERS.toLocaleString()} containers, ${MANIFESTS.toLocaleString()} manifests`);
  const url = await freshDatabase(DB);
  await runSeeds(url, { quiet: true });
  const now = new Date();
  log('generating the district-year:');
  await generate(url, now);

  const client = new Client({ connectionString: url });
  await client.connect();
  const counts: Counts = {
    containers: Number(await scalar(client, `SELECT count(*) FROM containers`)),
    manifests: Number(await scalar(client, `SELECT count(*) FROM manifests`)),
    items: Number(await scalar(client, `SELECT count(*) FROM manifest_items`)),
    scans: Number(await scalar(client, `SELECT count(*) FROM scans`)),
  };
  log(`  ${JSON.stringify(counts)}`);

  const config = loadConfig({ DATABASE_URL: url, QUEUE_PREFIX: `benchrec${Date.now() % 100000}`, LOG_LEVEL: 'warn', WORKER_HEALTH_PORT: '0' });
  const sweeper = await startReconciliationWorker(config, { schedule: false, listen: false });
  const sweeps = sweeper.get(SweepService);
  const first = await sweeps.sweep();
  const sweepSeconds = first.ms / 1000;
  log(`full sweep: ${round(sweepSeconds, 2)} s`);
  for (const r of first.rules) log(`  ${r.rule.padEnd(32)} ${String(r.ms).padStart(6)} ms  opened ${r.opened}`);
  const again = await sweeps.sweep();
  log(`full sweep again (nothing changed): ${round(again.ms / 1000, 2)} s, changes ${again.rules.reduce((s, r) => s + r.opened + r.updated + r.resolved, 0)}`);
  await sweeper.close();

  const { rows: found } = await client.query<{ rule: string; subject_id: string }>(`SELECT rule, subject_id::text FROM alerts WHERE status <> 'resolved'`);
  const { rows: expected } = await client.query<{ rule: string; subject_id: string }>(`SELECT rule, subject_id::text FROM bench_expected`);
  const key = (r: { rule: string; subject_id: string }): string => `${r.rule}/${r.subject_id}`;
  const expectedSet = new Set(expected.map(key));
  const foundSet = new Set(found.map(key));
  const hits = [...foundSet].filter((k) => expectedSet.has(k)).length;
  const precision = foundSet.size ? hits / foundSet.size : 1;
  const recall = expectedSet.size ? hits / expectedSet.size : 1;
  for (const rule of RULE_CODES) {
    const e = expected.filter((r) => r.rule === rule).length;
    const f = found.filter((r) => r.rule === rule).length;
    const h = found.filter((r) => r.rule === rule && expectedSet.has(key(r))).length;
    log(`  ${rule.padEnd(32)} expected ${String(e).padStart(4)}  found ${String(f).padStart(4)}  correct ${String(h).padStart(4)}`);
  }
  log(`precision ${round(precision, 4)}, recall ${round(recall, 4)} (${hits} of ${expectedSet.size} injected, ${foundSet.size} raised)`);

  log('incremental path: a stream of scans through the API');
  const api = await startApi({ DATABASE_URL: url, QUEUE_PREFIX: config.queuePrefix, RATE_LIMIT_PER_MINUTE: '10000000' }, PORT);
  // The worker as deployed, with its schedules (the full sweep pushed out of the measurement).
  const worker = await startReconciliationWorker(config, { fullSweepEveryMs: 3_600_000 });
  let latencies: number[];
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const manifests = await prepareStream(base);
    await new Promise((r) => setTimeout(r, 5_000));
    latencies = await stream(base, url, manifests);
  } finally {
    await worker.close();
    api.kill('SIGTERM');
  }
  await client.end();
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  log(`event to alert: ${latencies.length} alerts, p50 ${round(p50)} ms, p95 ${round(p95)} ms, max ${round(latencies.at(-1) ?? 0)} ms`);
  log(`total ${round((Date.now() - wall) / 1000, 1)} s`);
  const result = {
    containers: counts.containers,
    manifests: counts.manifests,
    scans: counts.scans,
    sweep_s: round(sweepSeconds, 2),
    precision: round(precision, 4),
    recall: round(recall, 4),
    event_to_alert_p50_ms: round(p50),
    event_to_alert_p95_ms: round(p95),
  };
  log(`RESULT ${JSON.stringify(result)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`reconcile bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
