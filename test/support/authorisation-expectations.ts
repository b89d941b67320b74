import {
  Caller,
  Org,
  givenDriver,
  givenGenerator,
  givenLicence,
  givenPlatformAdmin,
  givenReceiver,
  givenRegulator,
  givenToken,
  givenTransporter,
  givenUser,
  givenUserToken,
  givenVehicle,
  uniqueCode,
  uniquePlate,
  uniqueUscc,
} from './factories';
import type { TestApp } from './test-app';
import type { RegisteredContainerDto } from '@app/containers';
import { LicenceService, TokenService } from '@app/parties';
// Containers, manifests and ledger fixtures.
import {
  GivenManifest,
  ManifestParties,
  ManifestStage,
  chinaDay,
  givenCatalogue,
  givenContainers,
  givenFacility,
  givenLedgerVerification,
  givenLicensedLeg,
  givenManifest,
  givenPacked,
  legBody,
  newContainer,
} from './factories';

/**
 * Who may call what: one row per route the app registers, keyed "METHOD /path" exactly as Express
 * has it (e.g. "GET /api/v1/organisations/:id"). test/authorisation-matrix.e2e-spec.ts fails when the
 * app has a route without a row here, so a new endpoint cannot ship without a policy and an
 * expectation. Each module adds its rows in its own section at the bottom and merges it into
 * AUTHORISATION_EXPECTATIONS.
 */

/** The kinds of caller every route is tried with, relative to the route's subject organisation. */
export const CALLER_KINDS = [
  'own', // an admin of the subject organisation
  'ownViewer', // a viewer of the subject organisation
  'otherOrganisation', // an admin of an unrelated company in another district
  'transporterNotOnManifest', // an admin of a transporter that is no party to the subject manifest
  'regulatorInside', // a regulator whose jurisdiction (the city, 500100) covers the subject
  'regulatorOutside', // a regulator of another district (500112)
  'platformAdmin',
  'anonymous',
] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

/** 'allow' is any 2xx; 'n/a' skips the caller (e.g. transporterNotOnManifest where there is no manifest). */
export type Outcome = 'allow' | 401 | 403 | 404 | 'n/a';
export type Expectations = Record<Exclude<CallerKind, 'transporterNotOnManifest'>, Outcome> & { transporterNotOnManifest?: Outcome };

export type Subject = 'generator' | 'transporter' | 'receiver';

export interface MatrixWorld {
  t: TestApp;
  orgs: Record<Subject | 'other' | 'otherTransporter' | 'regulatorInside' | 'regulatorOutside', Org>;
  admins: Record<Subject, Caller>;
  viewers: Record<Subject, Caller>;
  callers: Record<'otherOrganisation' | 'transporterNotOnManifest' | 'regulatorInside' | 'regulatorOutside' | 'platformAdmin', Caller>;
  /** A fixture made on first use and shared by later rows (e.g. a manifest several routes act on). */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface RequestSpec {
  /** The concrete path, every :param filled in. */
  path: string;
  query?: Record<string, string | number>;
  body?: object;
  headers?: Record<string, string>;
}

export interface RouteExpectation {
  /** Whose data the route is about: 'own' and 'ownViewer' callers belong to it. Default generator. */
  subject?: Subject;
  expect: Expectations;
  /** Builds the request for one caller, afresh each time so that repeated writes do not collide. Default: the route path as is. */
  request?: (w: MatrixWorld, caller: CallerKind) => RequestSpec | Promise<RequestSpec>;
  /**
   * For paths mounted as sub-apps (app.use), which Express does not list as routes: tested like any
   * row but not expected in the route listing.
   */
  mounted?: boolean;
}

export async function buildMatrixWorld(t: TestApp): Promise<MatrixWorld> {
  // The subjects sit in 沙坪坝区 (500106); the regulator inside covers the whole city (500100, prefix 5001).
  const generator = await givenGenerator(t, { division: '500106' });
  const transporter = await givenTransporter(t, { division: '500106' });
  const receiver = await givenReceiver(t, { division: '500106' });
  const other = await givenGenerator(t, { division: '500112' });
  const otherTransporter = await givenTransporter(t, { division: '500112' });
  const regulatorInside = await givenRegulator(t, ['500100']);
  const regulatorOutside = await givenRegulator(t, ['500112']);
  const cache = new Map<string, Promise<unknown>>();
  return {
    t,
    orgs: { generator, transporter, receiver, other, otherTransporter, regulatorInside, regulatorOutside },
    admins: {
      generator: await givenUserToken(t, generator, 'admin'),
      transporter: await givenUserToken(t, transporter, 'admin'),
      receiver: await givenUserToken(t, receiver, 'admin'),
    },
    viewers: {
      generator: await givenUserToken(t, generator, 'viewer'),
      transporter: await givenUserToken(t, transporter, 'viewer'),
      receiver: await givenUserToken(t, receiver, 'viewer'),
    },
    callers: {
      otherOrganisation: await givenUserToken(t, other, 'admin'),
      transporterNotOnManifest: await givenUserToken(t, otherTransporter, 'admin'),
      regulatorInside: await givenUserToken(t, regulatorInside, 'admin'),
      regulatorOutside: await givenUserToken(t, regulatorOutside, 'admin'),
      platformAdmin: await givenPlatformAdmin(t),
    },
    once<T>(key: string, make: () => Promise<T>): Promise<T> {
      if (!cache.has(key)) cache.set(key, make());
      return cache.get(key) as Promise<T>;
    },
  };
}

export function callerFor(w: MatrixWorld, kind: CallerKind, subject: Subject): Caller | null {
  switch (kind) {
    case 'own':
      return w.admins[subject];
    case 'ownViewer':
      return w.viewers[subject];
    case 'anonymous':
      return null;
    case 'otherOrganisation':
    case 'transporterNotOnManifest':
    case 'regulatorInside':
    case 'regulatorOutside':
    case 'platformAdmin':
      return w.callers[kind];
  }
}

// Common shapes of expectation.

/** Anyone, with or without a token. */
export const PUBLIC: Expectations = {
  own: 'allow',
  ownViewer: 'allow',
  otherOrganisation: 'allow',
  regulatorInside: 'allow',
  regulatorOutside: 'allow',
  platformAdmin: 'allow',
  anonymous: 'allow',
};
/** Any caller with a token. */
export const AUTHENTICATED: Expectations = { ...PUBLIC, anonymous: 401 };
export const PLATFORM_ADMIN_ONLY: Expectations = {
  own: 403,
  ownViewer: 403,
  otherOrganisation: 403,
  regulatorInside: 403,
  regulatorOutside: 403,
  platformAdmin: 'allow',
  anonymous: 401,
};
/** Reading an organisation's data: its people, platform admins and regulators covering it; others must not learn it exists. */
export const ORGANISATION_READ: Expectations = {
  own: 'allow',
  ownViewer: 'allow',
  otherOrganisation: 404,
  regulatorInside: 'allow',
  regulatorOutside: 404,
  platformAdmin: 'allow',
  anonymous: 401,
};
/** Changing an organisation's data: its admins and platform admins; a viewer or a regulator who can see it gets 403. */
export const ORGANISATION_ADMIN_WRITE: Expectations = {
  own: 'allow',
  ownViewer: 403,
  otherOrganisation: 404,
  regulatorInside: 403,
  regulatorOutside: 404,
  platformAdmin: 'allow',
  anonymous: 401,
};

// ---------------------------------------------------------------------------------------------
// Platform: health and the API documentation.

const PLATFORM_ROUTES: Record<string, RouteExpectation> = {
  'GET /api/v1/health': { expect: PUBLIC },
  'GET /docs': { expect: PUBLIC },
  'GET /docs/': { expect: PUBLIC },
  'GET /docs/index.html': { expect: PUBLIC },
  // swagger-ui-express registers this path only to refuse it (404), whoever asks.
  'GET /docs/LICENSE': {
    expect: { own: 404, ownViewer: 404, otherOrganisation: 404, regulatorInside: 404, regulatorOutside: 404, platformAdmin: 404, anonymous: 404 },
  },
  'GET /docs/swagger-ui-init.js': { expect: PUBLIC },
  'GET /docs/docs/swagger-ui-init.js': { expect: PUBLIC },
  'GET /docs-json': { expect: PUBLIC },
  'GET /docs-yaml': { expect: PUBLIC },
  'GET /admin/queues': { mounted: true, expect: PLATFORM_ADMIN_ONLY },
};

// ---------------------------------------------------------------------------------------------
// Parties: organisations, facilities, licences, fleet, users, tokens, licence checks.

const api = (path: string): string => `/api/v1${path}`;

const newLicenceBody = (): object => ({
  kind: 'hw_operating',
  number: `渝危废经${uniqueCode('M')}`,
  validFrom: '2025-01-01',
  validTo: '2029-12-31',
  modes: ['收集', '贮存', '处置'],
  wasteCategories: ['HW49'],
  annualCapacityTonnes: 1000,
});

/** An operator of the subject generator, whose tokens the token routes act on. */
const tokenOwner = (w: MatrixWorld): Promise<string> => w.once('parties:tokenOwner', () => givenUser(w.t, w.orgs.generator, 'operator'));

const PARTIES_ROUTES: Record<string, RouteExpectation> = {
  'GET /api/v1/me': { expect: AUTHENTICATED, request: () => ({ path: api('/me') }) },

  'POST /api/v1/organisations': {
    expect: PLATFORM_ADMIN_ONLY,
    request: () => ({
      path: api('/organisations'),
      body: { uscc: uniqueUscc('500106'), name: '矩阵测试单位', divisionCode: '500106', roles: ['receiver'] },
    }),
  },
  'GET /api/v1/organisations': { expect: AUTHENTICATED, request: () => ({ path: api('/organisations') }) },
  'GET /api/v1/organisations/:id': { expect: ORGANISATION_READ, request: (w) => ({ path: api(`/organisations/${w.orgs.generator.id}`) }) },
  'PATCH /api/v1/organisations/:id': {
    expect: ORGANISATION_ADMIN_WRITE,
    request: (w) => ({ path: api(`/organisations/${w.orgs.generator.id}`), body: { contactName: '矩阵联系人' } }),
  },

  'POST /api/v1/organisations/:id/facilities': {
    expect: ORGANISATION_ADMIN_WRITE,
    request: (w) => ({
      path: api(`/organisations/${w.orgs.generator.id}/facilities`),
      body: { code: uniqueCode('M'), name: '矩阵贮存间', capacityTonnes: 1 },
    }),
  },
  'GET /api/v1/organisations/:id/facilities': {
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api(`/organisations/${w.orgs.generator.id}/facilities`) }),
  },

  'POST /api/v1/organisations/:id/licences': {
    subject: 'receiver',
    expect: ORGANISATION_ADMIN_WRITE,
    request: (w) => ({ path: api(`/organisations/${w.orgs.receiver.id}/licences`), body: newLicenceBody() }),
  },
  'GET /api/v1/organisations/:id/licences': {
    subject: 'receiver',
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api(`/organisations/${w.orgs.receiver.id}/licences`), query: { history: 'true' } }),
  },
  'GET /api/v1/licences/:id': {
    subject: 'receiver',
    expect: ORGANISATION_READ,
    request: async (w) => ({ path: api(`/licences/${await w.once('parties:licence', () => givenLicence(w.t, w.orgs.receiver, 'hw_operating'))}`) }),
  },
  'POST /api/v1/licences/:id/supersede': {
    subject: 'receiver',
    expect: ORGANISATION_ADMIN_WRITE,
    request: async (w) => {
      const { kind: _kind, ...content } = newLicenceBody() as { kind: string };
      return { path: api(`/licences/${await givenLicence(w.t, w.orgs.receiver, 'hw_operating')}/supersede`), body: content };
    },
  },

  'POST /api/v1/organisations/:id/vehicles': {
    subject: 'transporter',
    expect: ORGANISATION_ADMIN_WRITE,
    request: (w) => ({ path: api(`/organisations/${w.orgs.transporter.id}/vehicles`), body: { plate: uniquePlate() } }),
  },
  'GET /api/v1/organisations/:id/vehicles': {
    subject: 'transporter',
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api(`/organisations/${w.orgs.transporter.id}/vehicles`) }),
  },
  'POST /api/v1/organisations/:id/drivers': {
    subject: 'transporter',
    expect: ORGANISATION_ADMIN_WRITE,
    request: (w) => ({ path: api(`/organisations/${w.orgs.transporter.id}/drivers`), body: { name: '矩阵驾驶员' } }),
  },
  'GET /api/v1/organisations/:id/drivers': {
    subject: 'transporter',
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api(`/organisations/${w.orgs.transporter.id}/drivers`) }),
  },

  'POST /api/v1/organisations/:id/users': {
    expect: ORGANISATION_ADMIN_WRITE,
    request: (w) => ({ path: api(`/organisations/${w.orgs.generator.id}/users`), body: { name: '矩阵用户', role: 'operator' } }),
  },
  'GET /api/v1/organisations/:id/users': {
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api(`/organisations/${w.orgs.generator.id}/users`) }),
  },
  // A user's tokens: the user themself (see parties-tokens e2e), their organisation's admins, platform admins.
  'POST /api/v1/users/:id/tokens': {
    expect: ORGANISATION_ADMIN_WRITE,
    request: async (w) => ({ path: api(`/users/${await tokenOwner(w)}/tokens`), body: { name: 'matrix' } }),
  },
  'GET /api/v1/users/:id/tokens': {
    expect: ORGANISATION_ADMIN_WRITE,
    request: async (w) => ({ path: api(`/users/${await tokenOwner(w)}/tokens`) }),
  },
  'DELETE /api/v1/tokens/:id': {
    expect: ORGANISATION_ADMIN_WRITE,
    request: async (w) => ({ path: api(`/tokens/${(await givenToken(w.t, await tokenOwner(w))).tokenId}`) }),
  },

  'GET /api/v1/licence-checks/receiver': {
    expect: AUTHENTICATED,
    request: (w) => ({
      path: api('/licence-checks/receiver'),
      query: { receiverId: w.orgs.receiver.id, wasteCode: '900-041-49', tonnes: 1 },
    }),
  },
  'GET /api/v1/licence-checks/carrier': {
    expect: AUTHENTICATED,
    request: async (w) => ({
      path: api('/licence-checks/carrier'),
      query: {
        carrierId: w.orgs.transporter.id,
        vehicleId: await w.once('parties:vehicle', () => givenVehicle(w.t, w.orgs.transporter)),
        driverId: await w.once('parties:driver', () => givenDriver(w.t, w.orgs.transporter)),
        wasteCode: '900-041-49',
      },
    }),
  },
};

// ---------------------------------------------------------------------------------------------
// Containers: registration, labels, storage (入库/出库), packing, repackaging, the public keys.

/**
 * A container is visible to its generator, its current holder, regulators covering either, platform
 * admins and the parties of a manifest it is on (container.policies.ts); anyone else must not learn
 * it exists.
 */
export const CONTAINER_READ: Expectations = { ...ORGANISATION_READ, transporterNotOnManifest: 404 };

/**
 * A command on the subject's container or facility, named in the path: generator, collector or
 * receiver staff who may write, for what their organisation holds. Viewers, transporters,
 * regulators and platform admins are refused by role before anything is looked up (403); another
 * waste holder gets 404 for a container or facility it cannot see.
 */
export const CONTAINER_COMMAND: Expectations = {
  own: 'allow',
  ownViewer: 403,
  otherOrganisation: 404,
  transporterNotOnManifest: 403,
  regulatorInside: 403,
  regulatorOutside: 403,
  platformAdmin: 403,
  anonymous: 401,
};

/**
 * A command where the caller acts on its own containers (new ones, or the scanned labels of ones it
 * holds): another generator may do the same for its own. Scanning someone else's label is a domain
 * refusal (CONTAINER_NOT_HELD, 409: the caller has the label, so nothing leaks), covered in
 * containers.e2e-spec.ts.
 */
/** A command on a container named in the path: whoever cannot see the container gets 404 before any role check. */
export const CONTAINER_PATH_COMMAND: Expectations = { ...CONTAINER_COMMAND, transporterNotOnManifest: 404, regulatorOutside: 404 };

export const WASTE_HOLDER_WRITE: Expectations = { ...CONTAINER_COMMAND, otherOrganisation: 'allow' };

/** The shared container read routes look at: registered by the generator, held by it. */
const matrixContainer = (w: MatrixWorld): Promise<RegisteredContainerDto> =>
  w.once('containers:one', async () => (await givenContainers(w.t, w.orgs.generator, 1))[0]);

/** The generator's storage facility. */
const generatorFacility = (w: MatrixWorld): Promise<string> => w.once('containers:facility', () => givenFacility(w.t, w.orgs.generator));

/** A turnover box and a bag, both registered (so packable into each other), fresh for each caller. */
async function boxAndBag(w: MatrixWorld): Promise<{ box: RegisteredContainerDto; bag: RegisteredContainerDto }> {
  const [box] = await givenContainers(w.t, w.orgs.generator, 1, { over: { containerType: 'turnover_box', volumeLitres: 100, netWeightKg: 0 } });
  const [bag] = await givenContainers(w.t, w.orgs.generator, 1, { over: { containerType: 'bag', volumeLitres: 20, netWeightKg: 2 } });
  return { box, bag };
}

const CONTAINERS_ROUTES: Record<string, RouteExpectation> = {
  'GET /api/v1/keys': { expect: PUBLIC, request: () => ({ path: api('/keys') }) },

  'POST /api/v1/containers': {
    expect: WASTE_HOLDER_WRITE,
    request: async (w) => {
      await givenCatalogue(w.t);
      return { path: api('/containers'), body: { containers: [newContainer()] } };
    },
  },
  // Lists are filtered to what the caller may see (containers e2e); every member may ask.
  'GET /api/v1/containers': { expect: AUTHENTICATED, request: () => ({ path: api('/containers') }) },
  'GET /api/v1/containers/:id': { expect: CONTAINER_READ, request: async (w) => ({ path: api(`/containers/${(await matrixContainer(w)).id}`) }) },
  'GET /api/v1/containers/:id/label.svg': {
    expect: CONTAINER_READ,
    request: async (w) => ({ path: api(`/containers/${(await matrixContainer(w)).id}/label.svg`) }),
  },
  'GET /api/v1/containers/:id/label.png': {
    expect: CONTAINER_READ,
    request: async (w) => ({ path: api(`/containers/${(await matrixContainer(w)).id}/label.png`) }),
  },
  'GET /api/v1/containers/:id/lineage': {
    expect: CONTAINER_READ,
    request: async (w) => ({ path: api(`/containers/${(await matrixContainer(w)).id}/lineage`) }),
  },
  // Seen from the carrier of a submitted manifest: it does not hold the container yet, it sees it
  // as a party to the manifest the container is on.
  'GET /api/v1/containers/:id/story': {
    subject: 'transporter',
    expect: CONTAINER_READ,
    request: async (w) => ({ path: api(`/containers/${(await sharedManifest(w)).containers[0].id}/story`) }),
  },
  'POST /api/v1/label-sheets': {
    expect: CONTAINER_READ,
    request: async (w) => ({ path: api('/label-sheets'), body: { containerIds: [(await matrixContainer(w)).id] } }),
  },
  // Whoever scans a label may check it (a forged one is recorded against the scanning
  // organisation); a platform admin has no organisation to scan for (CommandActorParam).
  'POST /api/v1/labels/verify': {
    expect: { ...AUTHENTICATED, transporterNotOnManifest: 'allow', platformAdmin: 403 },
    request: async (w) => ({ path: api('/labels/verify'), body: { payload: (await matrixContainer(w)).qrPayload } }),
  },

  // 自行利用处置: each waste holder for its own containers, under a licence of its own.
  'POST /api/v1/containers/own-disposal': {
    expect: WASTE_HOLDER_WRITE,
    request: async (w, caller) => {
      const holder = caller === 'otherOrganisation' ? w.orgs.other : w.orgs.generator;
      await w.once(`containers:own-disposal-licence:${holder.id}`, () => givenLicence(w.t, holder, 'hw_operating'));
      const [container] = await givenContainers(w.t, holder, 1);
      return { path: api('/containers/own-disposal'), body: { labels: [container.qrPayload], method: 'D10' } };
    },
  },
  'POST /api/v1/facilities/:id/stock-in': {
    expect: CONTAINER_COMMAND,
    request: async (w) => {
      const [container] = await givenContainers(w.t, w.orgs.generator, 1);
      return { path: api(`/facilities/${await generatorFacility(w)}/stock-in`), body: { labels: [container.qrPayload] } };
    },
  },
  'POST /api/v1/facilities/:id/stock-out': {
    expect: CONTAINER_COMMAND,
    request: async (w) => {
      const facilityId = await generatorFacility(w);
      const [container] = await givenContainers(w.t, w.orgs.generator, 1, { facilityId });
      return { path: api(`/facilities/${facilityId}/stock-out`), body: { labels: [container.qrPayload] } };
    },
  },
  'POST /api/v1/containers/:id/pack': {
    expect: CONTAINER_PATH_COMMAND,
    request: async (w) => {
      const { box, bag } = await boxAndBag(w);
      return { path: api(`/containers/${box.id}/pack`), body: { labels: [bag.qrPayload] } };
    },
  },
  'POST /api/v1/containers/:id/unpack': {
    expect: CONTAINER_PATH_COMMAND,
    request: async (w) => {
      const { box, bag } = await boxAndBag(w);
      await givenPacked(w.t, w.orgs.generator, box, [bag]);
      return { path: api(`/containers/${box.id}/unpack`), body: { labels: [bag.qrPayload] } };
    },
  },
  'POST /api/v1/repackagings': {
    expect: WASTE_HOLDER_WRITE,
    request: async (w, caller) => {
      // The other generator repackages a container of its own.
      const [input] = await givenContainers(w.t, caller === 'otherOrganisation' ? w.orgs.other : w.orgs.generator, 1);
      return {
        path: api('/repackagings'),
        body: { outputs: [{ ...newContainer({ containerType: 'tonne_bag', volumeLitres: 1000, netWeightKg: 5 }), inputs: [{ label: input.qrPayload, kg: 5 }] }] },
      };
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Manifests (电子转移联单), custody scans, approvals and collection rounds.

/**
 * A manifest is visible to its parties (generator, every carrier leg, receiver), regulators covering
 * its generator or receiver and platform admins; anyone else, a transporter not on it included,
 * must not learn it exists (manifest.policies.ts).
 */
export const MANIFEST_READ: Expectations = { ...ORGANISATION_READ, transporterNotOnManifest: 404 };

/**
 * A step of the subject party on a manifest it can see: its staff who may write. A regulator who can
 * see the manifest, and a platform admin, are refused (403); whoever cannot see it gets 404.
 */
export const MANIFEST_ACT: Expectations = {
  own: 'allow',
  ownViewer: 403,
  otherOrganisation: 404,
  transporterNotOnManifest: 404,
  regulatorInside: 403,
  regulatorOutside: 404,
  platformAdmin: 403,
  anonymous: 401,
};

/** The matrix world's generator → transporter → receiver chain, licensed so that a manifest can be submitted. */
const manifestParties = (w: MatrixWorld): Promise<ManifestParties> =>
  w.once('manifests:parties', async () => {
    await givenLicence(w.t, w.orgs.receiver, 'hw_operating'); // HW49, 1000 t a year
    return { generator: w.orgs.generator, receiver: w.orgs.receiver, leg: await givenLicensedLeg(w.t, w.orgs.transporter) };
  });

/** A new manifest at `stage` for each caller, so that one caller's step never consumes the next one's. */
const freshManifest = async (w: MatrixWorld, stage: ManifestStage): Promise<GivenManifest> => givenManifest(w.t, await manifestParties(w), stage);

/** The submitted manifest read routes look at. */
const sharedManifest = (w: MatrixWorld): Promise<GivenManifest> => w.once('manifests:submitted', () => freshManifest(w, 'submitted'));

/** A load scan of the manifest's first container, as the carrier's scanner sends it. */
const loadScan = (m: GivenManifest): object => ({
  idempotencyKey: uniqueCode('S'),
  deviceId: 'matrix-pda',
  kind: 'load',
  manifestId: m.id,
  label: m.containers[0].qrPayload,
  deviceTime: new Date().toISOString(),
});

const MANIFESTS_ROUTES: Record<string, RouteExpectation> = {
  // A draft lists containers by id, so it is a command on them: a generator that cannot see them
  // must not learn they exist (404), as for GET /containers/:id.
  'POST /api/v1/manifests': {
    expect: CONTAINER_COMMAND,
    request: async (w) => {
      const parties = await manifestParties(w);
      const [container] = await givenContainers(w.t, w.orgs.generator, 1);
      return {
        path: api('/manifests'),
        body: {
          receiverId: parties.receiver.id,
          legs: [legBody(parties.leg)],
          containerIds: [container.id],
          emergencyMeasures: '泄漏时用吸附棉围堵收集，拨打 12369。',
          plannedStart: new Date().toISOString(),
          plannedEnd: new Date(Date.now() + 4 * 3_600_000).toISOString(),
        },
      };
    },
  },
  // Lists are filtered to the caller's manifests (manifests e2e); every member may ask.
  'GET /api/v1/manifests': { expect: AUTHENTICATED, request: () => ({ path: api('/manifests') }) },
  'GET /api/v1/manifests/:id': { expect: MANIFEST_READ, request: async (w) => ({ path: api(`/manifests/${(await sharedManifest(w)).id}`) }) },
  'GET /api/v1/manifests/:id/handover-register': {
    subject: 'receiver',
    expect: MANIFEST_READ,
    request: async (w) => ({ path: api(`/manifests/${(await sharedManifest(w)).id}/handover-register`) }),
  },
  'GET /api/v1/manifests/:id/story': {
    subject: 'transporter',
    expect: MANIFEST_READ,
    request: async (w) => ({ path: api(`/manifests/${(await sharedManifest(w)).id}/story`) }),
  },

  'POST /api/v1/manifests/:id/submit': {
    expect: MANIFEST_ACT,
    request: async (w) => ({ path: api(`/manifests/${(await freshManifest(w, 'draft')).id}/submit`) }),
  },
  'POST /api/v1/manifests/:id/cancel': {
    expect: MANIFEST_ACT,
    request: async (w) => ({ path: api(`/manifests/${(await freshManifest(w, 'draft')).id}/cancel`) }),
  },
  'POST /api/v1/manifests/:id/depart': {
    subject: 'transporter',
    expect: MANIFEST_ACT,
    request: async (w) => ({ path: api(`/manifests/${(await freshManifest(w, 'loaded')).id}/depart`) }),
  },
  'POST /api/v1/manifests/:id/receipt': {
    subject: 'receiver',
    expect: MANIFEST_ACT,
    request: async (w) => {
      const m = await freshManifest(w, 'arrived');
      return { path: api(`/manifests/${m.id}/receipt`), body: { decisions: m.containers.map((c) => ({ containerId: c.id, decision: 'accepted' })) } };
    },
  },
  'POST /api/v1/manifests/:id/confirm': {
    subject: 'receiver',
    expect: MANIFEST_ACT,
    request: async (w) => ({ path: api(`/manifests/${(await freshManifest(w, 'received')).id}/confirm`), body: { opinion: '同意接收' } }),
  },
  'POST /api/v1/manifests/:id/final-operations': {
    subject: 'receiver',
    expect: MANIFEST_ACT,
    request: async (w) => {
      const m = await freshManifest(w, 'confirmed');
      return { path: api(`/manifests/${m.id}/final-operations`), body: { operations: m.containers.map((c) => ({ containerId: c.id, method: 'D10' })) } };
    },
  },

  // Scans name the manifest in the body, so the route's policy checks only the role (transporter,
  // receiver or collector staff who may write); the manifest's visibility is the scan service's.
  'POST /api/v1/scans': {
    subject: 'transporter',
    expect: { ...CONTAINER_COMMAND, otherOrganisation: 403, transporterNotOnManifest: 404 },
    request: async (w) => ({ path: api('/scans'), body: loadScan(await freshManifest(w, 'submitted')) }),
  },
  // A batch is answered 200 with an outcome per scan, refused ones included: the transporter not on
  // the manifest gets its scan refused inside the 200.
  'POST /api/v1/scans/batch': {
    subject: 'transporter',
    expect: { ...CONTAINER_COMMAND, otherOrganisation: 403, transporterNotOnManifest: 'allow' },
    request: async (w) => ({ path: api('/scans/batch'), body: { scans: [loadScan(await freshManifest(w, 'submitted'))] } }),
  },

  // The generator named on the approval records it; nobody records one for somebody else.
  'POST /api/v1/approvals': {
    expect: {
      own: 'allow',
      ownViewer: 403,
      otherOrganisation: 403,
      transporterNotOnManifest: 403,
      regulatorInside: 403,
      regulatorOutside: 403,
      platformAdmin: 403,
      anonymous: 401,
    },
    request: (w) => ({
      path: api('/approvals'),
      body: {
        number: uniqueCode('APPR'),
        generatorId: w.orgs.generator.id,
        receiverId: w.orgs.receiver.id,
        wasteCodes: ['900-041-49'],
        tonnes: 10,
        validFrom: chinaDay(0),
        validTo: chinaDay(300),
      },
    }),
  },
  // A transporter plans its own rounds, with its own vehicles: the other transporter with one of its own.
  'POST /api/v1/collection-rounds': {
    subject: 'transporter',
    expect: { ...CONTAINER_COMMAND, otherOrganisation: 403, transporterNotOnManifest: 'allow' },
    request: async (w, caller) => ({
      path: api('/collection-rounds'),
      body: {
        vehicleId:
          caller === 'transporterNotOnManifest'
            ? await w.once('manifests:otherVehicle', () => givenVehicle(w.t, w.orgs.otherTransporter))
            : (await manifestParties(w)).leg.vehicleId,
        receiverId: w.orgs.receiver.id,
        plannedDate: chinaDay(1),
      },
    }),
  },
};

// ---------------------------------------------------------------------------------------------
// Ledger: one subject's chain and proofs, and the auditors' whole-ledger verifications.

/** Whole-ledger checks: regulators (any jurisdiction: the ledger is one chain) and platform admins. */
export const LEDGER_AUDITOR: Expectations = {
  own: 403,
  ownViewer: 403,
  otherOrganisation: 403,
  regulatorInside: 'allow',
  regulatorOutside: 'allow',
  platformAdmin: 'allow',
  anonymous: 401,
};

/** A licence of the receiver recorded through the licence service, so that the ledger has its events. */
const recordedLicence = (w: MatrixWorld): Promise<string> =>
  w.once('ledger:licence', async () => {
    const actor = await w.t.app.get(TokenService).resolve(w.admins.receiver.token);
    const licence = await w.t.app.get(LicenceService).create(actor!, w.orgs.receiver.id, {
      kind: 'hw_operating',
      number: `渝危废经${uniqueCode('L')}`,
      validFrom: chinaDay(-30),
      validTo: chinaDay(1000),
      modes: ['收集', '贮存'],
      wasteCategories: ['HW49'],
      annualCapacityTonnes: 10,
    });
    return licence.id;
  });

const LEDGER_ROUTES: Record<string, RouteExpectation> = {
  // "Whoever may read the subject": a licence's chain goes to whoever may read the licence (GET
  // /licences/:id), i.e. its holder, platform admins and regulators covering the holder.
  'GET /api/v1/ledger/:subjectType/:subjectId/verify': {
    subject: 'receiver',
    expect: ORGANISATION_READ,
    request: async (w) => ({ path: api(`/ledger/licence/${await recordedLicence(w)}/verify`) }),
  },
  // The download is recorded against the caller's organisation (CommandActorParam), so a platform
  // admin, who has none, is refused although the policy would let it read the manifest.
  'GET /api/v1/ledger/:subjectType/:subjectId/bundle': {
    expect: { ...MANIFEST_READ, platformAdmin: 403 },
    request: async (w) => ({ path: api(`/ledger/manifest/${(await sharedManifest(w)).id}/bundle`) }),
  },
  'POST /api/v1/ledger/verifications': { expect: LEDGER_AUDITOR, request: () => ({ path: api('/ledger/verifications'), body: {} }) },
  'GET /api/v1/ledger/verifications': { expect: LEDGER_AUDITOR, request: () => ({ path: api('/ledger/verifications') }) },
  'GET /api/v1/ledger/verifications/:id': {
    expect: LEDGER_AUDITOR,
    request: async (w) => ({ path: api(`/ledger/verifications/${await w.once('ledger:verification', () => givenLedgerVerification(w.t))}`) }),
  },
  'GET /api/v1/ledger/checkpoints/latest': { expect: LEDGER_AUDITOR, request: () => ({ path: api('/ledger/checkpoints/latest') }) },
};

// ---------------------------------------------------------------------------------------------
// Reports: a unit's 台账 and mass balance; district figures, the map and 双随机 inspections.

/** District-wide reports: regulators (their own jurisdiction, whichever it is) and platform admins. */
export const REGULATOR_READ: Expectations = {
  own: 403,
  ownViewer: 403,
  otherOrganisation: 403,
  regulatorInside: 'allow',
  regulatorOutside: 'allow',
  platformAdmin: 'allow',
  anonymous: 401,
};
/** An inspection draw: the regulator that drew it and platform admins; nobody else learns it exists. */
export const DRAW_READ: Expectations = {
  own: 404,
  ownViewer: 404,
  otherOrganisation: 404,
  regulatorInside: 'allow',
  regulatorOutside: 404,
  platformAdmin: 'allow',
  anonymous: 401,
};

const reportPeriodQuery = (): Record<string, string> => ({ from: chinaDay(-30), to: chinaDay(0) });
/** A platform admin names the division a district report covers; a regulator defaults to its jurisdiction. */
const districtQuery = (caller: CallerKind): Record<string, string> => (caller === 'platformAdmin' ? { division: '500106' } : {});
/** A draw by the regulator covering the subjects (the city, 500100), made through the API. */
const givenDraw = async (w: MatrixWorld): Promise<{ id: string; units: { organisationId: string }[] }> =>
  (await w.t.http().post(api('/inspection-draws')).set(w.callers.regulatorInside.auth).send({ size: 1 }).expect(201)).body;

const REPORTS_ROUTES: Record<string, RouteExpectation> = {
  'GET /api/v1/reports/ledger-book': {
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api('/reports/ledger-book'), query: { organisationId: w.orgs.generator.id, format: 'json', ...reportPeriodQuery() } }),
  },
  'GET /api/v1/reports/mass-balance': {
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api('/reports/mass-balance'), query: { organisationId: w.orgs.generator.id, ...reportPeriodQuery() } }),
  },
  'GET /api/v1/reports/mass-balance/containers': {
    expect: ORGANISATION_READ,
    request: (w) => ({ path: api('/reports/mass-balance/containers'), query: { organisationId: w.orgs.generator.id, bucket: 'unaccounted', ...reportPeriodQuery() } }),
  },
  'GET /api/v1/reports/district': { expect: REGULATOR_READ, request: (_w, caller) => ({ path: api('/reports/district'), query: districtQuery(caller) }) },
  'GET /api/v1/reports/map': { expect: REGULATOR_READ, request: (_w, caller) => ({ path: api('/reports/map'), query: districtQuery(caller) }) },
  // Regulators draw (and only regulators: a platform admin acts for no regulator).
  'POST /api/v1/inspection-draws': {
    expect: { ...REGULATOR_READ, platformAdmin: 403 },
    request: () => ({ path: api('/inspection-draws'), body: { size: 1 } }),
  },
  'GET /api/v1/inspection-draws': { expect: REGULATOR_READ, request: () => ({ path: api('/inspection-draws') }) },
  'GET /api/v1/inspection-draws/:id': {
    expect: DRAW_READ,
    request: async (w) => ({ path: api(`/inspection-draws/${(await w.once('reports:draw', () => givenDraw(w))).id}`) }),
  },
  // A fresh draw each time: one result per drawn unit.
  'POST /api/v1/inspection-draws/:id/results': {
    expect: { ...DRAW_READ, platformAdmin: 403 },
    request: async (w) => {
      const draw = await givenDraw(w);
      return {
        path: api(`/inspection-draws/${draw.id}/results`),
        body: { organisationId: draw.units[0].organisationId, result: 'passed', inspector: '矩阵检查员', inspectedOn: chinaDay(0) },
      };
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Alerts: reading (parties: their own; regulators: their jurisdiction), triage (regulators of the
// jurisdiction only), webhook subscriptions, and the rule registry.

/** An open alert about the subject generator, written straight into the table (no worker runs here). */
const givenAlert = async (w: MatrixWorld): Promise<string> => {
  const [row] = (await w.t.db.query(
    `INSERT INTO alerts (rule, severity, subject_type, subject_id, organisation_id, division_code, party_ids, region_keys, fingerprint, source)
     VALUES ('STORED_TOO_LONG', 'high', 'container', gen_random_uuid(), $1, $2, ARRAY[$1::uuid], division_keys(ARRAY[$2]), 'matrix', 'sweep')
     RETURNING id`,
    [w.orgs.generator.id, w.orgs.generator.divisionCode],
  )) as { id: string }[];
  return row.id;
};
/** A webhook subscription of the subject generator, made by its admin through the API. */
const givenSubscription = async (w: MatrixWorld): Promise<string> =>
  (await w.t.http().post(api('/webhooks')).set(w.admins.generator.auth).send({ url: 'http://127.0.0.1:9/matrix' }).expect(201)).body.id;

/** Regulators covering the alert triage it; a party that can see it may not (403); no one else may know it (404). */
const ALERT_TRIAGE: Expectations = {
  own: 403,
  ownViewer: 403,
  otherOrganisation: 404,
  regulatorInside: 'allow',
  regulatorOutside: 404,
  platformAdmin: 403,
  anonymous: 401,
};
/** The subscribing organisation's own webhooks. */
const SUBSCRIPTION_READ: Expectations = { ...ORGANISATION_READ, regulatorInside: 404 };

const ALERTS_ROUTES: Record<string, RouteExpectation> = {
  'GET /api/v1/alerts': { expect: AUTHENTICATED, request: () => ({ path: api('/alerts') }) },
  'GET /api/v1/alerts/:id': {
    expect: ORGANISATION_READ,
    request: async (w) => ({ path: api(`/alerts/${await w.once('alerts:alert', () => givenAlert(w))}`) }),
  },
  'POST /api/v1/alerts/:id/acknowledge': {
    expect: ALERT_TRIAGE,
    request: async (w) => ({ path: api(`/alerts/${await givenAlert(w)}/acknowledge`) }),
  },
  'POST /api/v1/alerts/:id/resolve': {
    expect: ALERT_TRIAGE,
    request: async (w) => ({ path: api(`/alerts/${await givenAlert(w)}/resolve`), body: { note: '矩阵测试：已核实。' } }),
  },
  // Every organisation's admin subscribes for its own organisation (a regulator: its jurisdiction).
  'POST /api/v1/webhooks': {
    expect: { own: 'allow', ownViewer: 403, otherOrganisation: 'allow', regulatorInside: 'allow', regulatorOutside: 'allow', platformAdmin: 403, anonymous: 401 },
    request: () => ({ path: api('/webhooks'), body: { url: 'http://127.0.0.1:9/matrix' } }),
  },
  'GET /api/v1/webhooks': { expect: AUTHENTICATED, request: () => ({ path: api('/webhooks') }) },
  'GET /api/v1/webhooks/:id/deliveries': {
    expect: SUBSCRIPTION_READ,
    request: async (w) => ({ path: api(`/webhooks/${await w.once('alerts:subscription', () => givenSubscription(w))}/deliveries`) }),
  },
  'DELETE /api/v1/webhooks/:id': {
    expect: { ...SUBSCRIPTION_READ, ownViewer: 403 },
    request: async (w) => ({ path: api(`/webhooks/${await givenSubscription(w)}`) }),
  },
  'GET /api/v1/alert-rules': { expect: AUTHENTICATED, request: () => ({ path: api('/alert-rules') }) },
  // A district of the city the inside regulator covers (5001); the outside one regulates 500112.
  'PUT /api/v1/alert-rules/:rule/thresholds': {
    expect: { ...PLATFORM_ADMIN_ONLY, regulatorInside: 'allow' },
    request: () => ({ path: api('/alert-rules/REFUSED_WITHOUT_ONWARD/thresholds'), body: { divisionPrefix: '500106', params: { graceHours: 72 } } }),
  },
};

// ---------------------------------------------------------------------------------------------
// Later modules (containers, manifests, ledger, …): add a section above and merge it here.

export const AUTHORISATION_EXPECTATIONS: Record<string, RouteExpectation> = {
  ...PLATFORM_ROUTES,
  ...PARTIES_ROUTES,
  ...CONTAINERS_ROUTES,
  ...MANIFESTS_ROUTES,
  ...LEDGER_ROUTES,
  ...REPORTS_ROUTES,
  ...ALERTS_ROUTES,
};
