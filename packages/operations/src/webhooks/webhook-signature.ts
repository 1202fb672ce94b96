import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const webhookSignatureHeader = 'x-routekit-signature';

/** The header carrying the event id, the same on every retry, so receivers can drop duplicates. */
export const webhookIdHeader = 'x-routekit-webhook-id';

/** Signs a delivery body; the timestamp is part of the signed text so an old delivery cannot be replayed as new. */
export function signWebhookPayload(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

export interface VerifyWebhookSignatureOptions {
  /** The endpoint's signing secret, as configured on the gateway. */
  secret: string;
  /** The raw request body, exactly as received (not re-serialised JSON). */
  body: string;
  /** The `x-routekit-signature` header's value. */
  header: string | undefined;
  /** How old a signature may be, in seconds, before it is refused as a possible replay. Default 300. */
  toleranceSeconds?: number;
  /** The clock, epoch ms; tests pass their own. */
  now?: number;
}

/**
 * Checks a delivery's signature in constant time: true only when one `v1` digest matches the body
 * under the secret and the timestamp is within the tolerance. A receiver should answer 2xx only
 * after this returns true.
 *
 * @example
 * if (!verifyWebhookSignature({ secret, body: rawBody, header: request.headers['x-routekit-signature'] })) return response.status(400).end();
 */
export function verifyWebhookSignature(options: VerifyWebhookSignatureOptions): boolean {
  if (options.header === undefined) return false;
  let timestamp: number | undefined;
  const digests: string[] = [];
  for (const part of options.header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (name === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) digests.push(value);
  }
  if (timestamp === undefined || digests.length === 0) return false;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(createHmac('sha256', options.secret).update(`${timestamp}.${options.body}`).digest('hex'), 'utf8');
  return digests.some((digest) => timingSafeEqual(Buffer.from(digest, 'utf8'), expected));
}
