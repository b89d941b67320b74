import type { INestApplication } from '@nestjs/common';
import {
  AUTHORISATION_EXPECTATIONS,
  CALLER_KINDS,
  CallerKind,
  MatrixWorld,
  Outcome,
  buildMatrixWorld,
  callerFor,
} from './support/authorisation-expectations';
import { TestApp, startTestApp } from './support/test-app';

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Methods a catch-all (`app.all`, Nest's middleware for the global prefix) registers: every one of them. */
const CATCH_ALL_SIGNATURE = ['get', 'post', 'put', 'patch', 'delete', 'options'];

/**
 * Every route the app registered, as "METHOD /path", read from Express's own router: the Nest
 * controllers and whatever else was mounted as a route (the OpenAPI documents). Catch-all layers
 * that answer every method are middleware, not endpoints.
 */
function registeredRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const routes = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
    if (CATCH_ALL_SIGNATURE.every((m) => methods.includes(m))) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) for (const method of methods) routes.add(`${method.toUpperCase()} ${path}`);
  }
  return [...routes].sort();
}

interface Answer {
  status: number;
  body: { error?: { code?: string } };
}

function outcomeOf(res: Answer): Outcome | string {
  if (res.status >= 200 && res.status < 300) return 'allow';
  const code = res.body?.error?.code;
  if (res.status === 401 || res.status === 403) return res.status;
  // A 404 for an unknown route means the row's request is wrong, not that access was refused. A
  // record's own not-found code (CONTAINER_NOT_FOUND, MANIFEST_NOT_FOUND, …) is a refusal: the
  // modules answer it alike for a record that is not there and one the caller may not see.
  if (res.status === 404 && code !== 'ROUTE_NOT_FOUND' && /^([A-Z]+_)*NOT_FOUND$/.test(code ?? '')) return 404;
  return `unexpected ${res.status} ${code ?? ''}`.trim();
}

describe('authorisation matrix', () => {
  let t: TestApp;
  let world: MatrixWorld;

  beforeAll(async () => {
    t = await startTestApp('authz');
    world = await buildMatrixWorld(t);
  });
  afterAll(() => t.close());

  it('has an expectation for every route the app registered, and no row for a route that is gone', () => {
    const routes = registeredRoutes(t.app);
    expect(routes.length).toBeGreaterThan(10);
    const listed = Object.entries(AUTHORISATION_EXPECTATIONS)
      .filter(([, row]) => !row.mounted)
      .map(([key]) => key);
    const withoutExpectation = routes.filter((r) => !(r in AUTHORISATION_EXPECTATIONS));
    const withoutRoute = listed.filter((key) => !routes.includes(key));
    expect({ withoutExpectation, withoutRoute }).toEqual({ withoutExpectation: [], withoutRoute: [] });
  });

  it('names a policy in the OpenAPI document for every route that needs a token', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[]; 'x-policy'?: string }>>;
    };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        const row = AUTHORISATION_EXPECTATIONS[key];
        if (row && row.expect.anonymous !== 'allow' && !operation['x-policy']) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(Object.keys(AUTHORISATION_EXPECTATIONS))('%s', async (key) => {
    const row = AUTHORISATION_EXPECTATIONS[key];
    const [method, routePath] = key.split(' ') as [string, string];
    const expected: Partial<Record<CallerKind, Outcome>> = {};
    const actual: Partial<Record<CallerKind, Outcome | string>> = {};
    for (const kind of CALLER_KINDS) {
      const outcome = row.expect[kind] ?? 'n/a';
      if (outcome === 'n/a') continue;
      const spec = row.request ? await row.request(world, kind) : { path: routePath };
      expect(spec.path).not.toMatch(/\/:\w/);
      const caller = callerFor(world, kind, row.subject ?? 'generator');
      const verb = method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
      let req = t.http()[verb](spec.path).query(spec.query ?? {});
      if (caller) req = req.set(caller.auth);
      for (const [name, value] of Object.entries(spec.headers ?? {})) req = req.set(name, value);
      if (spec.body) req = req.send(spec.body);
      expected[kind] = outcome;
      actual[kind] = outcomeOf((await req) as Answer);
    }
    expect(actual).toEqual(expected);
  });
});
