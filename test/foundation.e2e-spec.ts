import { TestApp, startTestApp } from './support/test-app';

describe('API conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('foundation');
  });
  afterAll(() => t.close());

  it('reports Postgres and Redis separately on /api/v1/health without a token', async () => {
    const res = await t.http().get('/api/v1/health').expect(200);
    expect(res.body.info.postgres.status).toBe('up');
    expect(res.body.info.redis.status).toBe('up');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with the error shape, in English by default', async () => {
    const res = await t.http().get('/api/v1/no-such-thing').expect(404);
    expect(res.body).toEqual({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: 'No such endpoint: GET /api/v1/no-such-thing.',
        details: null,
        requestId: res.headers['x-request-id'],
      },
    });
  });

  it('answers in Chinese when Accept-Language prefers it', async () => {
    const res = await t.http().get('/nowhere').set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.8').expect(404);
    expect(res.body.error.message).toBe('接口不存在：GET /nowhere。');
  });

  it('keeps a well-formed incoming X-Request-Id', async () => {
    const res = await t.http().get('/nowhere').set('X-Request-Id', 'scanner-42-abc').expect(404);
    expect(res.headers['x-request-id']).toBe('scanner-42-abc');
    expect(res.body.error.requestId).toBe('scanner-42-abc');
  });

  it('answers a malformed JSON body with MALFORMED_JSON and a request id', async () => {
    const res = await t.http().post('/api/v1/health').set('Content-Type', 'application/json').send('{"a": ').expect(400);
    expect(res.body.error.code).toBe('MALFORMED_JSON');
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers an oversized body with PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(3 * 1024 * 1024) });
    const res = await t.http().post('/api/v1/health').set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses requests without a token with UNAUTHENTICATED', async () => {
    const res = await t.http().get('/api/v1/me').expect(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('sets security headers', async () => {
    const res = await t.http().get('/api/v1/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the OpenAPI document with the error shape and bearer auth', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.schemas.ErrorResponse).toBeDefined();
    expect(res.body.components.securitySchemes.bearer).toBeDefined();
    expect(res.body.paths['/api/v1/health']).toBeDefined();
  });

  it('keeps the queue dashboard for platform admins', async () => {
    const res = await t.http().get('/admin/queues').expect(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('health when Redis is down', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1.
    t = await startTestApp('noredis', { REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => t.close());

  it('answers 503 with Postgres up and Redis down, in the error shape', async () => {
    const res = await t.http().get('/api/v1/health').expect(503);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.body.error.details.info.postgres.status).toBe('up');
    expect(res.body.error.details.error.redis.status).toBe('down');
    expect(res.headers['retry-after']).toBe('5');
  });
});
