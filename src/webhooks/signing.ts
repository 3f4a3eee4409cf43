import { hmacSha256 } from "../lib/crypto";
import { fromBase64, toBase64, toHex, utf8 } from "../lib/encoding";
import { asymmetricSignature } from "./asymmetric";

/**
 * Every delivery carries two signature schemes over the exact bytes sent:
 * - Standard Webhooks: `webhook-signature: v1,<base64 HMAC(key, "{id}.{ts}.{body}")>`, key = the
 *   base64-decoded part after `whsec_`, or the UTF-8 bytes of a secret the user chose.
 * - Seed 003 (TextUs): hex HMAC of the raw body keyed with the whole secret string as UTF-8.
 */
export const SECRET_PREFIX = "whsec_";
export const USER_AGENT = "Switchboard-Webhooks/1.0";

export function signingKey(secret: string): Uint8Array<ArrayBuffer> {
  if (secret.startsWith(SECRET_PREFIX)) {
    try {
      return fromBase64(secret.slice(SECRET_PREFIX.length));
    } catch {
      // A user-given secret that merely starts with whsec_ but is not base64: use its bytes.
    }
  }
  return utf8(secret);
}

export async function standardSignature(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
) {
  return `v1,${toBase64(await hmacSha256(signingKey(secret), `${id}.${timestamp}.${body}`))}`;
}

export async function seedSignature(secret: string, body: string) {
  return toHex(await hmacSha256(utf8(secret), body));
}

export interface SignInput {
  id: string;
  timestamp: number;
  body: string;
  /** The current secret. */
  secret: string;
  /** Still valid during a rotation grace period. */
  previousSecret?: string | null;
  clientSecret?: string | null;
  /** The endpoint's ed25519 private key (`whsk_…`) when it opted in to `v1a` signatures. */
  asymmetricKey?: string | null;
  /** Integrations created through the TextUs-shaped API also get seed 003's header name. */
  textusHeader?: boolean;
}

/**
 * During a rotation grace period `webhook-signature` carries both signatures (Standard Webhooks
 * allows a space-separated list). The single-value hex header keeps the previous secret until the
 * grace ends, so receivers that have not switched yet keep verifying; the new secret's hex value
 * rides in `X-Switchboard-Signature-Next` so a receiver can switch before the grace ends.
 */
export async function deliveryHeaders(input: SignInput): Promise<Record<string, string>> {
  const secrets = input.previousSecret ? [input.secret, input.previousSecret] : [input.secret];
  const standard = await Promise.all(
    secrets.map((secret) => standardSignature(secret, input.id, input.timestamp, input.body)),
  );
  if (input.asymmetricKey) {
    standard.push(
      await asymmetricSignature(input.asymmetricKey, input.id, input.timestamp, input.body),
    );
  }
  const hex = await seedSignature(input.previousSecret ?? input.secret, input.body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": input.id,
    "webhook-timestamp": String(input.timestamp),
    "webhook-signature": standard.join(" "),
    "x-switchboard-signature": hex,
  };
  if (input.previousSecret) {
    headers["x-switchboard-signature-next"] = await seedSignature(input.secret, input.body);
  }
  if (input.textusHeader) headers["x-textus-signature"] = hex;
  if (input.clientSecret) headers.authorization = `Bearer ${input.clientSecret}`;
  return headers;
}

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * The `whsec_` form of a signing secret: a user-given secret that is not `whsec_…` signs with
 * its UTF-8 bytes, which is `whsec_` + base64 of those bytes, so a Standard Webhooks library
 * given this form verifies with its defaults.
 */
export const standardSecretForm = (secret: string): string =>
  secret.startsWith(SECRET_PREFIX) ? secret : `${SECRET_PREFIX}${toBase64(utf8(secret))}`;
