import { toHex, utf8 } from "../lib/encoding";

/**
 * Secrets are stored as HMAC-SHA-256 under a server-side pepper, so a leaked KV or D1 dump cannot
 * be checked offline against guesses. The imported key is cached per isolate: importing it costs
 * more than the HMAC itself on the authentication hot path.
 */
let cached: { pepper: string; key: Promise<CryptoKey> } | undefined;

function pepperKey(pepper: string): Promise<CryptoKey> {
  if (cached?.pepper !== pepper) {
    cached = {
      pepper,
      key: crypto.subtle.importKey("raw", utf8(pepper), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]),
    };
  }
  return cached.key;
}

export async function hashSecret(pepper: string, secret: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", await pepperKey(pepper), utf8(secret)));
}

export const kvKeyFor = (hash: string) => `apikey:${hash}`;

/** What KV holds per key: enough to find the authority, never enough to prove the key is live. */
export interface KeyIdentity {
  account_id: string;
  key_id: string;
  environment: "production" | "test";
}
