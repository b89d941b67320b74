/**
 * `npm run demo`: a day in the demo district (沙坪坝区), played through the HTTP API of a running
 * system (`npm start`, or the API and the worker started separately), then each container's chain
 * and the alerts the day raised.
 *
 *   DEMO_API_URL   base URL of the API (default http://localhost:3000)
 *
 * The morning: labels printed, waste booked into storage. The day: a medical-waste run from the
 * hospital and the clinic to the incinerator, a collection round of the cement kiln's carrier past
 * the factory and the garage with a hand-over to a second carrier, the lab's solvents to the
 * incinerator; receipt, confirmation and disposal. And what goes wrong: a drum left behind at the
 * factory, a drum that weighs 60 kg less at the kiln, a bag of infectious waste found three days
 * old in the hospital's store, and a forged label presented at the incinerator's gate.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_DRIVERS, DEMO_ORGS, DEMO_USERS, DEMO_VEHICLES } from '../seeds/demo-district';

// A client of a running system: the URL is the one setting it has, read here at its boot.
const BASE = (process.env.DEMO_API_URL ?? 'http://localhost:3000').replace(/\/$/, '');

/** Request bodies; the API's OpenAPI document is the contract. */
type Body = Record<string, unknown>;
interface ErrorBody {
  error?: { code?: string; message?: string };
}
interface ManifestView {
  id: string;
  number: string;
  status: string;
}
interface StoryView {
  events: { type: string }[];
  lineage: { packedIn: { code: string }[] };
  custody: { holderName: string }[];
  manifests: { number: string; status: string; finalMethod: string | null }[];
}
interface AlertItem {
  rule: string;
  severity: string;
  subjectType: string;
  subjectId: string;
  source: string;
  openedAt: string;
  title: { zh: string; en: string };
  details: { manifestNumber?: string };
}

const org = (key: string): (typeof DEMO_ORGS)[number] => DEMO_ORGS.find((o) => o.key === key)!;
const token = (key: string): string => DEMO_USERS.find((u) => u.orgKey === key && u.role === 'admin')!.token;
const vehicle = (plate: string): string => DEMO_VEHICLES.find((v) => v.plate === plate)!.id;
const driver = (name: string): string => DEMO_DRIVERS.find((d) => d.name === name)!.id;
const FACILITY: Record<string, string> = {
  hospital: '00000000-0000-4000-8000-000000000601',
  clinic: '00000000-0000-4000-8000-000000000602',
  autorepair: '00000000-0000-4000-8000-000000000603',
  lab: '00000000-0000-4000-8000-000000000604',
  factory: '00000000-0000-4000-8000-000000000605',
};
const CARRIER1 = { carrierId: org('carrier1').id, vehicleId: vehicle('渝A·D1234'), driverId: driver('钱师傅') };
const CARRIER2 = { carrierId: org('carrier2').id, vehicleId: vehicle('渝B·Y6201'), driverId: driver('冯师傅') };

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}`.trim());
  }
}

async function api<T = Body>(key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token(key)}`, 'content-type': 'application/json', 'accept-language': 'zh-CN' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : {};
  if (!res.ok) throw new ApiError(res.status, json as ErrorBody);
  return json as T;
}

interface Registered {
  id: string;
  code: string;
  qrPayload: string;
  owner: string;
  what: string;
}
const all: Registered[] = [];

async function register(key: string, what: string, containers: Body[], facilityId?: string): Promise<Registered[]> {
  const res = await api<{ containers: Registered[] }>(key, 'POST', '/containers', { containers, ...(facilityId ? { facilityId } : {}) });
  const out = res.containers.map((c) => ({ ...c, owner: key, what }));
  all.push(...out);
  return out;
}

const bag = (over: Body = {}): Body => ({
  wasteCode: '841-001-01', wasteName: '感染性废物', components: '棉签、纱布、一次性输液器', physicalForm: 'solid',
  containerType: 'bag', volumeLitres: 20, netWeightKg: 3.2, generatedAt: hoursAgo(5), ...over,
});
const oil = (over: Body = {}): Body => ({
  wasteCode: '900-214-08', wasteName: '废机油', components: '矿物油', physicalForm: 'liquid',
  containerType: 'drum', volumeLitres: 200, netWeightKg: 180, generatedAt: hoursAgo(30), ...over,
});
const solvent = (): Body => ({
  wasteCode: '900-047-49', wasteName: '实验室废液', components: '有机溶剂、酸碱废液', physicalForm: 'liquid',
  containerType: 'drum', volumeLitres: 50, netWeightKg: 35, generatedAt: hoursAgo(48),
});

/**
 * The day is played in a minute, so scans carry device times and places a truck could keep to:
 * loaded at the generator 8 minutes ago, handed over half way 2 minutes ago, arriving at the
 * receiver in 4 minutes (a device clock may run up to 5 minutes ahead). Scans seconds apart at
 * places kilometres apart would be, rightly, a cloned label.
 */
const LEG_MINUTES = { load: -8, handover: -2, arrive: 4 } as const;

async function scan(key: string, kind: 'load' | 'handover' | 'arrive', manifestId: string, c: Registered, extra: Body = {}): Promise<void> {
  const from = org(c.owner);
  const to = org(ROUTES.get(manifestId) ?? c.owner);
  const place = kind === 'load' ? from : kind === 'arrive' ? to : { lat: (from.lat + to.lat) / 2, lng: (from.lng + to.lng) / 2 };
  await api(key, 'POST', '/scans', {
    idempotencyKey: randomUUID(), deviceId: `${key}-pda-1`, kind, manifestId, label: c.qrPayload,
    deviceTime: new Date(Date.now() + LEG_MINUTES[kind] * 60_000).toISOString(), lat: place.lat, lng: place.lng, ...extra,
  });
}

/** Where each manifest goes (receiver key), for the places of its scans. */
const ROUTES = new Map<string, string>();

/** Drafts and submits (the generator signs); a draft that cannot be submitted is cancelled. */
async function manifest(generator: string, receiver: string, legs: Body[], items: Registered[], extra: Body = {}): Promise<ManifestView> {
  const { id } = await api<{ id: string }>(generator, 'POST', '/manifests', {
    receiverId: org(receiver).id, legs, containerIds: items.map((c) => c.id), emergencyMeasures: '泄漏时用吸附棉围堵收集，立即报告 12369。',
    plannedStart: new Date().toISOString(), plannedEnd: new Date(Date.now() + 6 * 3_600_000).toISOString(), ...extra,
  });
  ROUTES.set(id, receiver);
  try {
    return await api<ManifestView>(generator, 'POST', `/manifests/${id}/submit`);
  } catch (error) {
    await api(generator, 'POST', `/manifests/${id}/cancel`).catch(() => undefined);
    throw error;
  }
}

/** Receipt, confirmation and the final method, by the receiver. */
async function receive(receiver: string, m: ManifestView, outer: Registered[], method: string, weights: Map<string, number> = new Map()): Promise<void> {
  for (const c of outer) await scan(receiver, 'arrive', m.id, c, weights.has(c.id) ? { weightKg: weights.get(c.id) } : {});
  await api(receiver, 'POST', `/manifests/${m.id}/receipt`, { decisions: outer.map((c) => ({ containerId: c.id, decision: 'accepted' })) });
  await api(receiver, 'POST', `/manifests/${m.id}/confirm`, { opinion: '同意接收' });
  await api(receiver, 'POST', `/manifests/${m.id}/final-operations`, { operations: outer.map((c) => ({ containerId: c.id, method })) });
}

async function main(): Promise<void> {
  const started = new Date();
  say(`一天的沙坪坝区 · a day in the demo district, against ${BASE}`);
  await fetch(`${BASE}/api/v1/health`).catch(() => {
    throw new Error(`no API at ${BASE}: start it with npm start (and seed the demo district)`);
  });

  say('\n07:30 标签打印 · labels printed');
  const hospitalBags = await register('hospital', '感染性废物袋', [bag(), bag(), bag(), bag({ wasteCode: '841-002-01', wasteName: '损伤性废物', containerType: 'sharps_box', volumeLitres: 5, netWeightKg: 1.1 })]);
  const [box] = await register('hospital', '医疗废物周转箱', [bag({ containerType: 'turnover_box', volumeLitres: 100, netWeightKg: 0, components: '周转箱' })]);
  const clinicBags = await register('clinic', '感染性废物袋', [bag({ netWeightKg: 1.8 }), bag({ netWeightKg: 2.1 })]);
  const factoryDrums = await register('factory', '废机油桶', [oil(), oil(), oil(), oil({ netWeightKg: 160 })]);
  const garageDrums = await register('autorepair', '废机油桶', [oil({ netWeightKg: 120 }), oil({ netWeightKg: 90 })]);
  const labDrums = await register('lab', '实验室废液桶', [solvent(), solvent()]);
  for (const c of all) {
    const svg = await fetch(`${BASE}/api/v1/containers/${c.id}/label.svg`, { headers: { authorization: `Bearer ${token(c.owner)}` } });
    say(`  ${c.code}  ${c.what.padEnd(8, '　')} label ${svg.ok ? `${(await svg.text()).length} bytes of SVG` : `not printed (${svg.status})`}`);
  }

  say('\n08:00 装箱、入库 · packed and into storage');
  await api('hospital', 'POST', `/containers/${box.id}/pack`, { labels: hospitalBags.map((c) => c.qrPayload) });
  await api('hospital', 'POST', `/facilities/${FACILITY.hospital}/stock-in`, { labels: [box.qrPayload] });
  await api('clinic', 'POST', `/facilities/${FACILITY.clinic}/stock-in`, { labels: clinicBags.map((c) => c.qrPayload) });
  await api('factory', 'POST', `/facilities/${FACILITY.factory}/stock-in`, { labels: factoryDrums.map((c) => c.qrPayload) });
  await api('autorepair', 'POST', `/facilities/${FACILITY.autorepair}/stock-in`, { labels: garageDrums.map((c) => c.qrPayload) });
  await api('lab', 'POST', `/facilities/${FACILITY.lab}/stock-in`, { labels: labDrums.map((c) => c.qrPayload) });
  say(`  ${hospitalBags.length} bags packed into a turnover box; ${all.length} containers booked into five storage rooms`);
  // Something goes wrong: a bag found in the back of the store, three days old.
  const [oldBag] = await register('hospital', '遗忘的感染性废物袋', [bag({ generatedAt: hoursAgo(72), notes: '暂存间角落发现，标注实际产生时间' })], FACILITY.hospital);
  say(`  ✗ ${oldBag.code}: a bag generated 72 h ago turns up in the hospital store (limit 48 h)`);

  say('\n09:00 医疗废物收运 · medical-waste runs');
  const hospitalRun = await manifest('hospital', 'incinerator', [CARRIER2], [box]);
  await scan('carrier2', 'load', hospitalRun.id, box);
  await api('carrier2', 'POST', `/manifests/${hospitalRun.id}/depart`);
  const clinicRun = await manifest('clinic', 'incinerator', [CARRIER2], clinicBags);
  for (const c of clinicBags) await scan('carrier2', 'load', clinicRun.id, c);
  await api('carrier2', 'POST', `/manifests/${clinicRun.id}/depart`);
  say(`  联单 ${hospitalRun.number}: 周转箱 (${hospitalBags.length} bags inside) hospital → incinerator, 山城医废专运`);
  say(`  联单 ${clinicRun.number}: ${clinicBags.length} bags clinic → incinerator`);

  say('\n10:00 收运路线 · a collection round to the cement kiln');
  const round = await api<{ id: string }>('carrier1', 'POST', '/collection-rounds', { vehicleId: CARRIER1.vehicleId, driverId: CARRIER1.driverId, receiverId: org('cementkiln').id, plannedDate: started.toISOString().slice(0, 10) });
  let twoLegs = true;
  let factoryRun: ManifestView;
  try {
    factoryRun = await manifest('factory', 'cementkiln', [CARRIER1, CARRIER2], factoryDrums, { roundId: round.id });
  } catch (error) {
    if (!(error instanceof ApiError) || error.body.error?.code !== 'LICENCE_CHECK_FAILED') throw error;
    twoLegs = false;
    say('  (the second carrier may not carry this waste: one carrier instead)');
    factoryRun = await manifest('factory', 'cementkiln', [CARRIER1], factoryDrums, { roundId: round.id });
  }
  const garageRun = await manifest('autorepair', 'cementkiln', [CARRIER1], garageDrums, { roundId: round.id });
  // Something goes wrong: the fourth drum stays behind at the factory.
  for (const c of factoryDrums.slice(0, 3)) await scan('carrier1', 'load', factoryRun.id, c);
  const departed = await api<{ missing: unknown[] }>('carrier1', 'POST', `/manifests/${factoryRun.id}/depart`);
  say(`  联单 ${factoryRun.number}: 3 of 4 drums loaded at the factory; departure reports ${departed.missing.length} missing`);
  say(`  ✗ ${factoryDrums[3].code}: left behind`);
  for (const c of garageDrums) await scan('carrier1', 'load', garageRun.id, c);
  await api('carrier1', 'POST', `/manifests/${garageRun.id}/depart`);
  say(`  联单 ${garageRun.number}: 2 drums from the garage`);
  if (twoLegs) {
    for (const c of factoryDrums.slice(0, 3)) await scan('carrier2', 'handover', factoryRun.id, c);
    say('  11:30 交接: 渝西危险货物运输 hands the factory drums over to 山城医废专运 for the last leg');
  }

  say('\n13:00 实验室废液 · the lab’s solvents to the incinerator');
  const labRun = await manifest('lab', 'incinerator', [CARRIER1], labDrums);
  for (const c of labDrums) await scan('carrier1', 'load', labRun.id, c);
  await api('carrier1', 'POST', `/manifests/${labRun.id}/depart`);
  say(`  联单 ${labRun.number}: 2 drums`);

  say('\n15:00 接收、确认、处置 · receipt, confirmation, disposal');
  await receive('incinerator', hospitalRun, [box], 'D10', new Map([[box.id, 10.8]]));
  await receive('incinerator', clinicRun, clinicBags, 'D10');
  await receive('incinerator', labRun, labDrums, 'D10');
  // Something goes wrong: a drum arrives at the kiln 60 kg lighter than declared.
  const light = factoryDrums[1];
  for (const c of factoryDrums.slice(0, 3)) await scan('cementkiln', 'arrive', factoryRun.id, c, { weightKg: c === light ? 120 : 180 });
  say(`  ✗ ${light.code}: declared 180 kg, weighed 120 kg at the kiln`);
  for (const c of garageDrums) await scan('cementkiln', 'arrive', garageRun.id, c, { weightKg: c === garageDrums[0] ? 120 : 90 });
  await api('cementkiln', 'POST', `/manifests/${garageRun.id}/receipt`, { decisions: garageDrums.map((c) => ({ containerId: c.id, decision: 'accepted' })) });
  await api('cementkiln', 'POST', `/manifests/${garageRun.id}/confirm`, { opinion: '同意接收' });
  await api('cementkiln', 'POST', `/manifests/${garageRun.id}/final-operations`, { operations: garageDrums.map((c) => ({ containerId: c.id, method: 'C1' })) });
  say('  incinerator: three manifests received, confirmed, incinerated (D10); kiln: the garage’s drums co-processed (C1)');

  say('\n16:00 伪造标签 · a forged label at the incinerator gate');
  const genuine = factoryDrums[0].qrPayload;
  const forged = `${genuine.slice(0, -6)}${genuine.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
  try {
    await api('incinerator', 'POST', '/labels/verify', { payload: forged });
    say('  (the forged label was accepted?!)');
  } catch (error) {
    say(`  ✗ refused: ${error instanceof ApiError ? (error.body.error?.message ?? error.message) : (error as Error).message}`);
  }

  say('\n链条 · each container’s chain');
  for (const c of all) {
    const story = await api<StoryView>('regulator', 'GET', `/containers/${c.id}/story?limit=100`);
    const events = story.events.map((e) => e.type.replace(/^container\./, '')).join(' → ');
    const holders = [...new Set(story.custody.map((h) => h.holderName))].join(' → ');
    const last = story.manifests.at(-1);
    say(`  ${c.code} ${c.what}`);
    say(`      ${events}`);
    const inside = story.lineage.packedIn[0];
    say(`      custody: ${holders}${inside ? `, travelling inside ${inside.code}` : ''}${last ? `  · 联单 ${last.number} ${last.status}${last.finalMethod ? `, ${last.finalMethod}` : ''}` : ''}`);
  }

  say('\n告警 · alerts the day raised (as the 生态环境局 sees them)');
  const wanted = ['STORED_TOO_LONG', 'LISTED_NOT_LOADED', 'WEIGHT_DISCREPANCY', 'LABEL_FORGED'];
  const deadline = Date.now() + 15_000;
  let alerts: AlertItem[] = [];
  for (;;) {
    const page = await api<{ alerts: AlertItem[] }>('regulator', 'GET', '/alerts?status=active&limit=200');
    // This day's containers, and the organisations' own alerts (a forged label at a gate that already
    // had one open refreshes that alert rather than opening another).
    alerts = page.alerts.filter((a) => new Date(a.openedAt) >= started || a.subjectType === 'organisation');
    if (wanted.every((rule) => alerts.some((a) => a.rule === rule)) || Date.now() > deadline) break;
    await sleep(500);
  }
  if (!alerts.length) say('  none yet: is the worker running (npm start runs both)?');
  const codeOf = new Map(all.map((c) => [c.id, c.code]));
  for (const a of alerts.reverse()) {
    const about = codeOf.get(a.subjectId) ?? DEMO_ORGS.find((o) => o.id === a.subjectId)?.name ?? a.details?.manifestNumber ?? a.subjectId;
    say(`  [${a.severity.padEnd(8)}] ${a.rule.padEnd(24)} ${a.title.zh} · ${a.title.en}`);
    say(`             about ${a.subjectType} ${about}, found by ${a.source === 'event' ? 'the event that revealed it' : 'a sweep'}`);
  }
  say(`\nDone. Triage them: POST ${BASE}/api/v1/alerts/:id/acknowledge and /resolve {"note": …} with the regulator's token.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof ApiError ? `${error.message}\n${JSON.stringify(error.body)}` : (error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
