import { webhookTargetProblem } from './webhook-target';

describe('webhook targets', () => {
  it('refuses loopback, private and link-local addresses unless allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://10.1.2.3/x', 'https://192.168.1.1/', 'http://169.254.169.254/latest', 'http://[::1]/', 'http://[::ffff:10.0.0.1]/']) {
      expect(await webhookTargetProblem(url, false)).toMatch(/loopback, private or link-local/);
      expect(await webhookTargetProblem(url, true)).toBeNull();
    }
    expect(await webhookTargetProblem('https://8.8.8.8/hooks', false)).toBeNull();
  });

  it('takes only http(s) without credentials', async () => {
    expect(await webhookTargetProblem('ftp://8.8.8.8/x', true)).toBe('only http and https');
    expect(await webhookTargetProblem('https://user:pw@8.8.8.8/x', true)).toBe('no credentials in the URL');
    expect(await webhookTargetProblem('not a url', true)).toBe('not a URL');
  });
});
