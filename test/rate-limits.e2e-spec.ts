import { Caller, givenGenerator, givenUserToken } from './support/factories';
import { TestApp, startTestApp } from './support/test-app';

describe('rate limits', () => {
  let t: TestApp;
  let first: Caller;
  let second: Caller;

  beforeAll(async () => {
    t = await startTestApp('rate-limits', { RATE_LIMIT_PER_MINUTE: '5' });
    const org = await givenGenerator(t);
    first = await givenUserToken(t, org, 'admin');
    second = await givenUserToken(t, org, 'operator');
  });
  afterAll(() => t.close());

  it('lets a token make its limit of calls a minute, then answers 429 RATE_LIMITED with Retry-After, in zh or en', async () => {
    for (let i = 1; i <= 5; i++) {
      const ok = await t.http().get('/api/v1/me').set(first.auth).expect(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(5 - i));
    }
    const refused = await t.http().get('/api/v1/me').set(first.auth).set('Accept-Language', 'zh-CN').expect(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.body.error.message).toBe('请求过于频繁，请稍后再试。');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const english = await t.http().get('/api/v1/me').set(first.auth).set('Accept-Language', 'en').expect(429);
    expect(english.body.error.message).toBe('Too many requests; slow down.');
  });

  it('counts per token: another token of the same organisation is not held back', async () => {
    await t.http().get('/api/v1/me').set(second.auth).expect(200);
  });
});
