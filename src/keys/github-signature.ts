import { fromBase64, utf8 } from "../lib/encoding";

/**
 * GitHub's secret scanning partner program signs each report with ECDSA P-256 / SHA-256 and sends
 * the DER-encoded signature in `Github-Public-Key-Signature`, naming the key in
 * `Github-Public-Key-Identifier`. The keys are published at
 * `https://api.github.com/meta/public_keys/secret_scanning` in the shape {@link GithubPublicKeys}.
 *
 * @example
 * const ok = await verifyGithubSignature(keys, identifier, signature, rawBody);
 */
export interface GithubPublicKeys {
  public_keys: { key_identifier: string; key: string; is_current?: boolean }[];
}

/** Parses GitHub's key document; anything else is `null` (a misconfiguration, not a client error). */
export function parseGithubKeys(text: string): GithubPublicKeys | null {
  try {
    const parsed = JSON.parse(text) as GithubPublicKeys;
    if (!Array.isArray(parsed?.public_keys)) return null;
    const valid = parsed.public_keys.every(
      (entry) => typeof entry?.key_identifier === "string" && typeof entry?.key === "string",
    );
    return valid ? parsed : null;
  } catch {
    return null;
  }
}

const pemBody = (pem: string) =>
  pem
    .replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "")
    .replace(/\\n/g, "")
    .replace(/\s+/g, "");

/**
 * WebCrypto verifies ECDSA signatures as r‖s (IEEE P1363); GitHub sends ASN.1 DER
 * (`SEQUENCE { INTEGER r, INTEGER s }`). Returns null for anything that is not such a sequence.
 */
export function derToP1363(der: Uint8Array, size = 32): Uint8Array | null {
  let offset = 0;
  const byte = () => der[offset++];
  if (byte() !== 0x30) return null;
  let length = byte() ?? 0;
  if (length & 0x80) {
    const lengthBytes = length & 0x7f;
    if (lengthBytes !== 1) return null;
    length = byte() ?? 0;
  }
  if (offset + length !== der.length) return null;
  const out = new Uint8Array(size * 2);
  for (const slot of [0, 1]) {
    if (byte() !== 0x02) return null;
    const intLength = byte() ?? 0;
    if (intLength === 0 || offset + intLength > der.length) return null;
    let int = der.subarray(offset, offset + intLength);
    offset += intLength;
    while (int.length > size && int[0] === 0) int = int.subarray(1);
    if (int.length > size) return null;
    out.set(int, slot * size + (size - int.length));
  }
  return offset === der.length ? out : null;
}

/** True only when `signature` (base64 DER) is the named key's signature over `payload`. */
export async function verifyGithubSignature(
  keys: GithubPublicKeys,
  identifier: string,
  signature: string,
  payload: string,
): Promise<boolean> {
  const entry = keys.public_keys.find((candidate) => candidate.key_identifier === identifier);
  if (!entry) return false;
  try {
    const raw = derToP1363(fromBase64(signature.trim()));
    if (!raw) return false;
    const key = await crypto.subtle.importKey(
      "spki",
      fromBase64(pemBody(entry.key)),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    return await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      key,
      raw as Uint8Array<ArrayBuffer>,
      utf8(payload),
    );
  } catch {
    // A malformed key or signature is simply not a valid signature.
    return false;
  }
}
