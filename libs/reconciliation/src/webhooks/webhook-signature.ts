import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a webhook delivery is signed, for senders and receivers alike:
 *
 *   X-Wasteledger-Timestamp: <unix seconds>
 *   X-Wasteledger-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 *
 * The timestamp is signed with the body so a captured delivery cannot be replayed later; receivers
 * refuse timestamps more than a few minutes away from their clock.
 */
export const WEBHOOK_HEADERS = {
  signature: 'x-wasteledger-signature',
  timestamp: 'x-wasteledger-timestamp',
  event: 'x-wasteledger-event',
  delivery: 'x-wasteledger-delivery',
} as const;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface SignatureCheck {
  secret: string;
  timestamp: string | number | undefined;
  body: string;
  signature: string | undefined;
  /** Seconds the timestamp may differ from now. */
  toleranceSeconds?: number;
  nowMs?: number;
}

export function verifyWebhookSignature(check: SignatureCheck): boolean {
  const ts = Number(check.timestamp);
  if (!Number.isInteger(ts) || !check.signature) return false;
  const now = Math.floor((check.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (check.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(check.secret, ts, check.body));
  // Several signatures may be sent while a secret is rotated: any one that matches will do.
  return check.signature.split(',').some((part) => {
    const given = Buffer.from(part.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
