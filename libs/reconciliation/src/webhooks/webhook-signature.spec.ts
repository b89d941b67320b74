import { createHmac } from 'node:crypto';
import { newWebhookSecret, signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ event: 'alert.opened', alert: { id: 'a', rule: 'STORED_TOO_LONG' } });
  const now = 1_764_300_000_000;
  const ts = Math.floor(now / 1000);

  it('is HMAC-SHA256 over "<timestamp>.<body>" in hex, with a version prefix', () => {
    expect(signWebhook('key', 1, '{}')).toBe('v1=' + createHmac('sha256', 'key').update('1.{}').digest('hex'));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });

  it('verifies the genuine signature and nothing else', () => {
    const signature = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature({ secret, timestamp: ts, body, signature, nowMs: now })).toBe(true);
    expect(verifyWebhookSignature({ secret, timestamp: ts, body: body.replace('opened', 'resolved'), signature, nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ secret: newWebhookSecret(), timestamp: ts, body, signature, nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestamp: ts + 1, body, signature, nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestamp: ts, body, signature: undefined, nowMs: now })).toBe(false);
  });

  it('refuses a replay from outside the tolerance, and accepts any of several signatures', () => {
    const signature = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature({ secret, timestamp: ts, body, signature, nowMs: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret, timestamp: ts, body, signature: `v1=00, ${signature}`, nowMs: now })).toBe(true);
  });
});
