import { base62FromNumber, isBase62, randomBase62 } from "../lib/encoding";

/**
 * `sk_live_` / `sk_test_` + 32 random base62 chars + 6 base62 chars of CRC32 over everything
 * before them (GitHub's token format): secret scanners recognise leaked keys by shape, and a
 * mistyped key is refused without touching storage.
 */
export type Environment = "production" | "test";

const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const PREFIX = { production: "sk_live_", test: "sk_test_" } as const;
const SECRET_PATTERN = /^sk_(live|test)_([0-9A-Za-z]{38})$/;
export const DISPLAY_PREFIX_LENGTH = 12;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const checksum = (body: string) => base62FromNumber(crc32(body), CHECKSUM_LENGTH);

export function generateSecret(environment: Environment): string {
  const body = `${PREFIX[environment]}${randomBase62(RANDOM_LENGTH)}`;
  return `${body}${checksum(body)}`;
}

/** The environment a well-formed secret claims, or null when its shape or checksum is wrong. */
export function parseSecret(secret: string): Environment | null {
  const match = SECRET_PATTERN.exec(secret);
  if (!match || !isBase62(match[2] ?? "")) return null;
  const body = secret.slice(0, -CHECKSUM_LENGTH);
  if (checksum(body) !== secret.slice(-CHECKSUM_LENGTH)) return null;
  return match[1] === "live" ? "production" : "test";
}

export const displayPrefix = (secret: string) => secret.slice(0, DISPLAY_PREFIX_LENGTH);
export const lastFour = (secret: string) => secret.slice(-4);
export const maskSecret = (prefix: string, last4: string) => `${prefix}…${last4}`;
