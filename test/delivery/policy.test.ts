import { describe, expect, it } from "vitest";
import { classify, MAX_BACKOFF_MS, retryDelayMs } from "../../src/delivery/policy";

describe("classification", () => {
  it.each([
    [{ ok: true, status_code: 200 }, "delivered"],
    [{ ok: true, status_code: 204 }, "delivered"],
    [{ ok: false, status_code: null }, "transient"],
    [{ ok: false, status_code: 504 }, "transient"],
    [{ ok: false, status_code: 408 }, "transient"],
    [{ ok: false, status_code: 429 }, "transient"],
    [{ ok: false, status_code: 410 }, "gone"],
    [{ ok: false, status_code: 500 }, "fatal"],
    [{ ok: false, status_code: 502 }, "fatal"],
    [{ ok: false, status_code: 404 }, "fatal"],
    [{ ok: false, status_code: 301 }, "fatal"],
  ] as const)("%o is %s", (result, outcome) => {
    expect(classify(result)).toBe(outcome);
  });
});

describe("backoff", () => {
  it("doubles from the base with ±20% jitter", () => {
    expect(retryDelayMs(1, 5000, null, () => 0.5)).toBe(5000);
    expect(retryDelayMs(2, 5000, null, () => 0.5)).toBe(10000);
    expect(retryDelayMs(3, 5000, null, () => 0.5)).toBe(20000);
    expect(retryDelayMs(1, 5000, null, () => 0)).toBe(4000);
    expect(retryDelayMs(1, 5000, null, () => 0.999999)).toBe(6000);
  });

  it("is capped so long outages are still probed hourly", () => {
    expect(retryDelayMs(30, 5000, null, () => 0.5)).toBe(MAX_BACKOFF_MS);
  });

  it("honours a longer Retry-After", () => {
    expect(retryDelayMs(1, 5000, 120, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(5, 5000, 1, () => 0.5)).toBe(80_000);
  });
});
