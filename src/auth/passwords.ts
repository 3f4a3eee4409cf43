import { randomBytes, timingSafeEqual } from "../lib/crypto";
import { fromBase64, toBase64, utf8 } from "../lib/encoding";

/** The deployed Workers runtime rejects PBKDF2 above 100,000 iterations, so this is the ceiling. */
export const PBKDF2_ITERATIONS = 100_000;
const HASH_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 10;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const key = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/** Encoded as `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` so the cost can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, iterationsText, saltText, hashText] = encoded.split("$");
  const iterations = Number(iterationsText);
  // Bounded so a tampered stored hash cannot make verification spin (or the runtime refuse it).
  const plausible =
    Number.isInteger(iterations) && iterations >= 1_000 && iterations <= PBKDF2_ITERATIONS;
  if (scheme !== "pbkdf2-sha256" || !saltText || !hashText || !plausible) {
    return false;
  }
  try {
    const actual = await derive(password, fromBase64(saltText), iterations);
    return timingSafeEqual(actual, fromBase64(hashText));
  } catch {
    // Undecodable salt or hash, or an iteration count the runtime refuses: not a match.
    return false;
  }
}

/**
 * A login for an unknown email still pays for one derivation, so response time does not reveal
 * which emails have accounts.
 */
const DUMMY_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
export async function burnPasswordCheck(password: string): Promise<void> {
  await verifyPassword(password, DUMMY_HASH);
}
