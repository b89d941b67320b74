import { randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ContainersService, NewContainerDto, RegisteredContainerDto } from '@app/containers';
import { ManifestsService, ScanDto, ScansService } from '@app/manifests';
import { hashToken, newTokenSecret, withUsccCheckCharacter } from '@app/parties';
import { seedCatalogue } from '../../seeds/catalogue';
import type { TestApp } from './test-app';

/**
 * Test data, written straight into the test file's own database (fast, and independent of the API
 * under test). Every factory returns what a test needs to refer to the row later.
 */

type Db = Pick<DataSource, 'query'>;
const dbOf = (t: TestApp | Db): Db => ('db' in t ? t.db : t);

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A well-formed USCC with a valid check character: 91 (enterprise) + division + 9 random characters. */
export function uniqueUscc(division = '500106', kind = '91'): string {
  let body = '';
  for (let i = 0; i < 9; i++) body += USCC_ALPHABET[randomInt(USCC_ALPHABET.length)];
  return withUsccCheckCharacter(`${kind}${division}${body}`);
}

let counter = 0;
const next = (): number => ++counter;

export interface Org {
  id: string;
  uscc: string;
  name: string;
  divisionCode: string;
  roles: string[];
}

export interface OrgOptions {
  division?: string;
  name?: string;
  generatorKind?: string;
  medicalLevel?: string;
  managementClass?: string;
  jurisdiction?: string[];
}

export async function givenOrganisation(t: TestApp | Db, roles: string[], options: OrgOptions = {}): Promise<Org> {
  const division = options.division ?? '500106';
  const generatorKind = roles.includes('generator') ? (options.generatorKind ?? 'industrial') : null;
  const name = options.name ?? `测试单位${next()}`;
  const uscc = uniqueUscc(division, roles.includes('regulator') ? '11' : '91');
  const [row] = (await dbOf(t).query(
    `INSERT INTO organisations (uscc, name, address, division_code, roles, generator_kind, medical_level, management_class, jurisdiction)
     VALUES ($1, $2, '测试地址', $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      uscc,
      name,
      division,
      roles,
      generatorKind,
      generatorKind === 'medical' ? (options.medicalLevel ?? 'secondary') : null,
      options.managementClass ?? null,
      roles.includes('regulator') ? (options.jurisdiction ?? [division]) : null,
    ],
  )) as { id: string }[];
  return { id: row.id, uscc, name, divisionCode: division, roles };
}

export const givenGenerator = (t: TestApp | Db, options: OrgOptions = {}): Promise<Org> => givenOrganisation(t, ['generator'], options);
export const givenCollector = (t: TestApp | Db, options: OrgOptions = {}): Promise<Org> =>
  givenOrganisation(t, ['collector', 'generator'], { generatorKind: 'small_other', ...options });
export const givenTransporter = (t: TestApp | Db, options: OrgOptions = {}): Promise<Org> => givenOrganisation(t, ['transporter'], options);
export const givenReceiver = (t: TestApp | Db, options: OrgOptions = {}): Promise<Org> => givenOrganisation(t, ['receiver'], options);
/** A regulator (生态环境局) whose jurisdiction is the given division codes, matched by prefix. */
export const givenRegulator = (t: TestApp | Db, jurisdiction: string[] | string, options: OrgOptions = {}): Promise<Org> => {
  const codes = Array.isArray(jurisdiction) ? jurisdiction : [jurisdiction];
  return givenOrganisation(t, ['regulator'], { division: codes[0], ...options, jurisdiction: codes });
};

export interface Caller {
  userId: string;
  tokenId: string;
  token: string;
  /** Headers for supertest's .set(). */
  auth: { Authorization: string };
}

export async function givenUser(t: TestApp | Db, org: Org | null, role: string, options: { driverId?: string; name?: string } = {}): Promise<string> {
  const [row] = (await dbOf(t).query(`INSERT INTO users (organisation_id, name, role, driver_id) VALUES ($1, $2, $3, $4) RETURNING id`, [
    org?.id ?? null,
    options.name ?? `测试用户${next()}`,
    role,
    options.driverId ?? null,
  ])) as { id: string }[];
  return row.id;
}

/** A token for an existing user; `expiresAt` in the past gives an expired one. */
export async function givenToken(t: TestApp | Db, userId: string, options: { expiresAt?: Date; name?: string } = {}): Promise<Caller> {
  const token = newTokenSecret();
  const [row] = (await dbOf(t).query(`INSERT INTO api_tokens (user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`, [
    userId,
    options.name ?? 'test',
    hashToken(token),
    options.expiresAt ?? null,
  ])) as { id: string }[];
  return { userId, tokenId: row.id, token, auth: { Authorization: `Bearer ${token}` } };
}

/** A new user with `role` in `org` and a token for them. */
export async function givenUserToken(t: TestApp | Db, org: Org, role: 'admin' | 'operator' | 'driver' | 'viewer', options: { driverId?: string } = {}): Promise<Caller> {
  return givenToken(t, await givenUser(t, org, role, options));
}

export async function givenPlatformAdmin(t: TestApp | Db): Promise<Caller> {
  return givenToken(t, await givenUser(t, null, 'platform_admin'));
}

const year = new Date().getUTCFullYear();

export interface LicenceOptions {
  number?: string;
  wasteCodes?: string[];
  wasteCategories?: string[];
  dangerousGoodsClasses?: string[];
  annualCapacityTonnes?: number;
  validFrom?: string;
  validTo?: string;
  vehicleId?: string;
  driverId?: string;
  supersedesId?: string;
}

/** A licence row; by default valid from last year to four years ahead. */
export async function givenLicence(t: TestApp | Db, org: Org, kind: string, options: LicenceOptions = {}): Promise<string> {
  const [row] = (await dbOf(t).query(
    `INSERT INTO licences (organisation_id, kind, vehicle_id, driver_id, number, modes, waste_codes, waste_categories,
                           dangerous_goods_classes, annual_capacity_tonnes, valid_from, valid_to, supersedes_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [
      org.id,
      kind,
      options.vehicleId ?? null,
      options.driverId ?? null,
      options.number ?? `测试许可证${next()}`,
      kind === 'hw_operating' ? ['收集', '贮存', '处置'] : [],
      options.wasteCodes ?? [],
      options.wasteCategories ?? (kind === 'hw_operating' && !options.wasteCodes ? ['HW49'] : []),
      options.dangerousGoodsClasses ?? [],
      options.annualCapacityTonnes ?? (kind === 'hw_operating' ? 1000 : null),
      options.validFrom ?? `${year - 1}-01-01`,
      options.validTo ?? `${year + 4}-12-31`,
      options.supersedesId ?? null,
    ],
  )) as { id: string }[];
  return row.id;
}

/** A short code (letters, digits, "-") unique within the test run. */
export function uniqueCode(prefix = 'T'): string {
  return `${prefix}-${next()}-${randomInt(1_000_000).toString(36)}`.toUpperCase();
}

/** A plate no other vehicle in this database has. */
export function uniquePlate(): string {
  return `渝T·${String(next()).padStart(3, '0')}${USCC_ALPHABET[randomInt(10, USCC_ALPHABET.length)]}${randomInt(10)}`;
}

export async function givenVehicle(t: TestApp | Db, org: Org, options: { plate?: string; permit?: LicenceOptions | false } = {}): Promise<string> {
  const [row] = (await dbOf(t).query(`INSERT INTO vehicles (organisation_id, plate) VALUES ($1, $2) RETURNING id`, [
    org.id,
    options.plate ?? uniquePlate(),
  ])) as { id: string }[];
  if (options.permit !== false) await givenLicence(t, org, 'vehicle_permit', { ...options.permit, vehicleId: row.id });
  return row.id;
}

export async function givenDriver(t: TestApp | Db, org: Org, options: { qualification?: LicenceOptions | false } = {}): Promise<string> {
  const [row] = (await dbOf(t).query(`INSERT INTO drivers (organisation_id, name, phone) VALUES ($1, $2, '13900000000') RETURNING id`, [
    org.id,
    `测试驾驶员${next()}`,
  ])) as { id: string }[];
  if (options.qualification !== false) await givenLicence(t, org, 'driver_qualification', { ...options.qualification, driverId: row.id });
  return row.id;
}

/** Calendar days (YYYY-MM-DD, China time) relative to today. */
export function chinaDay(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Containers and manifests. These go through the domain services of the app under test (not its
// HTTP layer), because a container needs a race-free code, a signed label and its ledger events.

const catalogueSeeded = new WeakMap<TestApp, Promise<void>>();

/** The waste catalogue and disposal methods (the template database has none); once per app. */
export function givenCatalogue(t: TestApp): Promise<void> {
  if (!catalogueSeeded.has(t)) catalogueSeeded.set(t, t.db.transaction((m) => seedCatalogue(m)));
  return catalogueSeeded.get(t)!;
}

const fixtureUsers = new WeakMap<TestApp, Map<string, Promise<string>>>();

/** The operator a fixture acts as for `org` (the ledger records a user on every event). */
function fixtureUser(t: TestApp, org: Org): Promise<string> {
  const users = fixtureUsers.get(t) ?? new Map<string, Promise<string>>();
  fixtureUsers.set(t, users);
  if (!users.has(org.id)) users.set(org.id, givenUser(t, org, 'operator', { name: '夹具操作员' }));
  return users.get(org.id)!;
}

async function actorOf(t: TestApp, org: Org): Promise<{ organisationId: string; userId: string }> {
  return { organisationId: org.id, userId: await fixtureUser(t, org) };
}

export async function givenFacility(t: TestApp | Db, org: Org): Promise<string> {
  const [row] = (await dbOf(t).query(`INSERT INTO facilities (organisation_id, code, name, capacity_tonnes) VALUES ($1, $2, $3, 3) RETURNING id`, [
    org.id,
    uniqueCode('F'),
    `测试贮存间${next()}`,
  ])) as { id: string }[];
  return row.id;
}

/** A container as registered by default: a 200 L drum of 900-041-49 (HW49, not medical). */
export const newContainer = (over: Partial<NewContainerDto> = {}): NewContainerDto => ({
  wasteCode: '900-041-49',
  wasteName: '废包装桶',
  components: '沾染矿物油的铁桶',
  physicalForm: 'solid',
  containerType: 'drum',
  volumeLitres: 200,
  netWeightKg: 20,
  generatedAt: new Date(Date.now() - 3_600_000).toISOString(),
  ...over,
});

/** `n` containers registered by `org` (a generator or collector), optionally straight into a facility. */
export async function givenContainers(
  t: TestApp,
  org: Org,
  n = 1,
  options: { over?: Partial<NewContainerDto>; facilityId?: string } = {},
): Promise<RegisteredContainerDto[]> {
  await givenCatalogue(t);
  const items = Array.from({ length: n }, () => newContainer(options.over));
  return t.app.get(ContainersService).register(await actorOf(t, org), items, options.facilityId);
}

/** Packs `inner` into `outer` (an outer type: turnover_box, tonne_bag, pallet), both held by `org`. */
export async function givenPacked(t: TestApp, org: Org, outer: RegisteredContainerDto, inner: RegisteredContainerDto[]): Promise<void> {
  await t.app.get(ContainersService).pack(await actorOf(t, org), outer.id, inner.map((c) => c.qrPayload));
}

export interface Leg {
  carrier: Org;
  vehicleId: string;
  driverId: string;
}

/** A carrier leg that passes the licence checks: road transport licence, vehicle permit, driver qualification. */
export async function givenLicensedLeg(t: TestApp | Db, transporter: Org): Promise<Leg> {
  await givenLicence(t, transporter, 'road_transport');
  return { carrier: transporter, vehicleId: await givenVehicle(t, transporter), driverId: await givenDriver(t, transporter) };
}

/** The leg as a manifest request names it. */
export const legBody = (leg: Leg): { carrierId: string; vehicleId: string; driverId: string } => ({
  carrierId: leg.carrier.id,
  vehicleId: leg.vehicleId,
  driverId: leg.driverId,
});

/** How far a fixture manifest has got; each stage includes the ones before it. */
export const MANIFEST_STAGES = ['draft', 'submitted', 'loaded', 'departed', 'arrived', 'received', 'confirmed'] as const;
export type ManifestStage = (typeof MANIFEST_STAGES)[number];

export interface ManifestParties {
  generator: Org;
  receiver: Org;
  /** One carrier leg; submitting needs it licensed (givenLicensedLeg) and the receiver licensed for HW49. */
  leg: Leg;
}

export interface GivenManifest {
  id: string;
  containers: RegisteredContainerDto[];
}

/**
 * A manifest for fresh containers of the generator, taken to `stage` the way its parties would:
 * draft, submit, load scan, depart, arrival scan, receipt (all accepted), confirm.
 */
export async function givenManifest(t: TestApp, parties: ManifestParties, stage: ManifestStage = 'draft', containerCount = 1): Promise<GivenManifest> {
  const reached = (s: ManifestStage): boolean => MANIFEST_STAGES.indexOf(stage) >= MANIFEST_STAGES.indexOf(s);
  const manifests = t.app.get(ManifestsService);
  const scans = t.app.get(ScansService);
  const [generator, transporter, receiver] = [await actorOf(t, parties.generator), await actorOf(t, parties.leg.carrier), await actorOf(t, parties.receiver)];
  const containers = await givenContainers(t, parties.generator, containerCount);
  const id = await manifests.create(generator, {
    receiverId: parties.receiver.id,
    legs: [legBody(parties.leg)],
    containerIds: containers.map((c) => c.id),
    emergencyMeasures: '泄漏时用吸附棉围堵收集，拨打 12369。',
    plannedStart: new Date().toISOString(),
    plannedEnd: new Date(Date.now() + 4 * 3_600_000).toISOString(),
  });
  const scan = async (actor: { organisationId: string; userId: string }, kind: ScanDto['kind'], minutesAgo: number): Promise<void> => {
    const outcomes = await scans.process(
      actor,
      containers.map((c) => ({
        idempotencyKey: uniqueCode('S'),
        deviceId: `fixture-${kind}`,
        kind,
        manifestId: id,
        label: c.qrPayload,
        deviceTime: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      })),
    );
    const refused = outcomes.filter((o) => !o.accepted);
    if (refused.length) throw new Error(`fixture ${kind} scan refused: ${refused.map((o) => o.code).join(', ')}`);
  };
  if (reached('submitted')) await manifests.submit(generator, id);
  if (reached('loaded')) await scan(transporter, 'load', 30);
  if (reached('departed')) await manifests.depart(transporter, id);
  if (reached('arrived')) await scan(receiver, 'arrive', 5);
  if (reached('received')) await manifests.receipt(receiver, id, { decisions: containers.map((c) => ({ containerId: c.id, decision: 'accepted' as const })) });
  if (reached('confirmed')) await manifests.confirm(receiver, id, '同意接收');
  return { id, containers };
}

/** A recorded (queued) whole-ledger verification. */
export async function givenLedgerVerification(t: TestApp | Db): Promise<string> {
  const [row] = (await dbOf(t).query(`INSERT INTO ledger_verifications (status) VALUES ('queued') RETURNING id`)) as { id: string }[];
  return row.id;
}
