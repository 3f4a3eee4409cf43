import { describe, expect, it } from "vitest";
import {
  burnPasswordCheck,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "../../src/auth/passwords";
import { fromBase64, toBase64 } from "../../src/lib/encoding";

const PASSWORD = "correct horse battery";

/** An independent PBKDF2-SHA256 derivation, to check the stored hash is what it claims to be. */
async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return toBase64(new Uint8Array(bits));
}

describe("hashPassword", () => {
  it("uses PBKDF2-SHA256 with 100,000 iterations, a 16-byte salt and a 32-byte hash", async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    const encoded = await hashPassword(PASSWORD);
    const [scheme, iterations, salt, hash, ...rest] = encoded.split("$");
    expect(rest).toEqual([]);
    expect(scheme).toBe("pbkdf2-sha256");
    expect(iterations).toBe("100000");
    expect(fromBase64(salt!).byteLength).toBe(16);
    expect(fromBase64(hash!).byteLength).toBe(32);
    expect(await pbkdf2(PASSWORD, fromBase64(salt!), 100_000)).toBe(hash);
    expect(encoded).not.toContain(PASSWORD);
  });

  it("salts per hash: the same password never hashes the same twice", async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).not.toBe(b);
    expect(a.split("$")[2]).not.toBe(b.split("$")[2]);
  });

  it("handles unicode and long passwords", async () => {
    for (const password of ["pässwörd-ünïcödé", "🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐", "x".repeat(256)]) {
      const encoded = await hashPassword(password);
      expect(await verifyPassword(password, encoded)).toBe(true);
      expect(await verifyPassword(password.slice(0, -1), encoded)).toBe(false);
    }
  });
});

describe("verifyPassword", () => {
  it("accepts the right password", async () => {
    expect(await verifyPassword(PASSWORD, await hashPassword(PASSWORD))).toBe(true);
  });

  it("rejects a wrong password", async () => {
    const encoded = await hashPassword(PASSWORD);
    for (const wrong of [
      "",
      "correct horse batterY",
      "correct horse battery ",
      " correct horse battery",
      "correct horse batter",
      PASSWORD.toUpperCase(),
      encoded,
    ]) {
      expect(await verifyPassword(wrong, encoded), JSON.stringify(wrong)).toBe(false);
    }
  });

  it("rejects a hash made with another salt", async () => {
    const a = (await hashPassword(PASSWORD)).split("$");
    const b = (await hashPassword(PASSWORD)).split("$");
    const mixed = [a[0], a[1], b[2], a[3]].join("$");
    expect(await verifyPassword(PASSWORD, mixed)).toBe(false);
  });

  it("verifies a hash stored with a different iteration count (cost can change later)", async () => {
    const salt = new Uint8Array(16).fill(7);
    const hash = await pbkdf2(PASSWORD, salt, 1_000);
    const encoded = `pbkdf2-sha256$1000$${toBase64(salt)}$${hash}`;
    expect(await verifyPassword(PASSWORD, encoded)).toBe(true);
    expect(await verifyPassword("wrong password!", encoded)).toBe(false);
  });

  it("returns false for a truncated or extended hash", async () => {
    const [scheme, iterations, salt, hash] = (await hashPassword(PASSWORD)).split("$");
    const bytes = fromBase64(hash!);
    const short = toBase64(bytes.slice(0, 31));
    const long = toBase64(new Uint8Array([...bytes, 0]));
    expect(await verifyPassword(PASSWORD, [scheme, iterations, salt, short].join("$"))).toBe(false);
    expect(await verifyPassword(PASSWORD, [scheme, iterations, salt, long].join("$"))).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["plain text", PASSWORD],
    ["another scheme", "bcrypt$10$abcdefghijklmnop$abcdefghijklmnop"],
    ["missing parts", "pbkdf2-sha256$100000"],
    ["missing hash", "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$"],
    ["non-numeric iterations", "pbkdf2-sha256$lots$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"],
    ["fractional iterations", "pbkdf2-sha256$1.5$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"],
  ])("returns false for a malformed hash (%s)", async (_label, encoded) => {
    expect(await verifyPassword(PASSWORD, encoded)).toBe(false);
  });

  it.each([
    [
      "salt that is not base64",
      "pbkdf2-sha256$100000$!!not-base64!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ],
    ["hash that is not base64", "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$@@@"],
    [
      "zero iterations",
      "pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ],
    [
      "negative iterations",
      "pbkdf2-sha256$-5$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ],
  ])("returns false (does not throw) for a malformed hash (%s)", async (_label, encoded) => {
    await expect(verifyPassword(PASSWORD, encoded)).resolves.toBe(false);
  });
});

describe("burnPasswordCheck", () => {
  it("completes without throwing for any password", async () => {
    await expect(burnPasswordCheck(PASSWORD)).resolves.toBeUndefined();
    await expect(burnPasswordCheck("")).resolves.toBeUndefined();
  });
});
