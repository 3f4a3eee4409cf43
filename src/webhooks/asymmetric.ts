import { fromBase64, toBase64, utf8 } from "../lib/encoding";

/**
 * Standard Webhooks asymmetric signatures (`v1a`): ed25519 over `"{id}.{timestamp}.{body}"`,
 * through WebCrypto. Opt-in per endpoint. The receiver verifies with the public key alone
 * (`whpk_` + base64 of the raw 32 bytes), so it never holds anything that could forge a
 * delivery. We keep the private key as `whsk_` + base64 of its PKCS#8 form (WebCrypto's import
 * format); it never leaves the control plane and the endpoint object.
 */
export const PUBLIC_KEY_PREFIX = "whpk_";
export const PRIVATE_KEY_PREFIX = "whsk_";
const ED25519 = { name: "Ed25519" } as const;

export async function generateSigningKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const pkcs8 = (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer;
  const raw = (await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer;
  return {
    privateKey: `${PRIVATE_KEY_PREFIX}${toBase64(pkcs8)}`,
    publicKey: `${PUBLIC_KEY_PREFIX}${toBase64(raw)}`,
  };
}

/** Imported keys are cached per isolate: one import per endpoint, not per delivery. */
const imported = new Map<string, Promise<CryptoKey>>();

function importPrivate(privateKey: string): Promise<CryptoKey> {
  let key = imported.get(privateKey);
  if (!key) {
    key = crypto.subtle.importKey(
      "pkcs8",
      fromBase64(privateKey.slice(PRIVATE_KEY_PREFIX.length)),
      ED25519,
      false,
      ["sign"],
    );
    if (imported.size > 1_000) imported.clear();
    imported.set(privateKey, key);
  }
  return key;
}

export async function asymmetricSignature(
  privateKey: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const signature = await crypto.subtle.sign(
    ED25519,
    await importPrivate(privateKey),
    utf8(`${id}.${timestamp}.${body}`),
  );
  return `v1a,${toBase64(signature)}`;
}
