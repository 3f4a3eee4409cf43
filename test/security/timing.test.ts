import { afterEach, describe, expect, it, vi } from "vitest";
import { timingSafeEqual, timingSafeEqualText } from "../../src/lib/crypto";
import { call, PASSWORD, signup, unique } from "../helpers";

/**
 * Timing attacks. Wall-clock measurements are too noisy for a unit test, so these check the
 * structure that makes timing uninformative: the same expensive work on every login path, and
 * comparisons that do not stop at the first differing byte.
 */
afterEach(() => {
  vi.restoreAllMocks();
});

async function pbkdf2Runs(body: Record<string, string>) {
  const derive = vi.spyOn(crypto.subtle, "deriveBits");
  const response = await call("/v1/auth/login", { body });
  await response.arrayBuffer();
  const runs = derive.mock.calls.filter(
    ([algorithm]) => (algorithm as { name?: string }).name === "PBKDF2",
  ).length;
  derive.mockRestore();
  return { status: response.status, runs };
}

describe("timing", () => {
  it("a log-in for an unknown e-mail pays for the same PBKDF2 derivation as a wrong password", async () => {
    const account = await signup();
    const wrong = await pbkdf2Runs({ email: account.email, password: "wrong password 123" });
    const unknown = await pbkdf2Runs({
      email: `${unique("ghost")}@example.com`,
      password: PASSWORD,
    });
    const right = await pbkdf2Runs({ email: account.email, password: PASSWORD });
    expect(wrong).toEqual({ status: 401, runs: 1 });
    expect(unknown).toEqual({ status: 401, runs: 1 });
    expect(right).toEqual({ status: 200, runs: 1 });
  });

  it("timingSafeEqual visits every byte whatever the first difference", () => {
    const a = new Uint8Array(64).fill(7);
    const early = a.slice();
    early[0] = 8;
    const late = a.slice();
    late[63] = 8;
    expect(timingSafeEqual(a, a.slice())).toBe(true);
    expect(timingSafeEqual(a, early)).toBe(false);
    expect(timingSafeEqual(a, late)).toBe(false);
    expect(timingSafeEqual(a, a.subarray(0, 63))).toBe(false);
    expect(timingSafeEqualText("sig=abc", "sig=abd")).toBe(false);
    // Reading every byte: an array-like that counts index reads sees all 64 for both inputs.
    let reads = 0;
    const counting = new Proxy(
      { length: 64 },
      {
        get(target, property) {
          if (typeof property === "string" && /^\d+$/.test(property)) {
            reads++;
            return 7;
          }
          return Reflect.get(target, property);
        },
      },
    ) as unknown as Uint8Array;
    timingSafeEqual(counting, early);
    expect(reads).toBeGreaterThanOrEqual(64);
  });
});
