import { throttleStub } from "../durable/stubs";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/crypto";
import { normalizeEmail } from "./accounts";
import type { Limit, TakeResult } from "./throttle-window";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Log-in and sign-up throttles (SPEC §6, §9), checked before any PBKDF2 work. Each counter is one
 * `Throttle` object named `login-ip:` / `login-email:` / `signup-ip:` + the SHA-256 of the client
 * IP (`CF-Connecting-IP`; requests without it share the bucket "unknown") or of the lowercased
 * e-mail, so no raw address is stored. A slot is taken before the password is checked and given
 * back when the log-in succeeds, so only failed log-ins count and concurrent guesses cannot
 * overshoot the limit.
 */
export interface Taken {
  name: string;
  start: number;
}

export const clientIp = (header: string | undefined): string => header?.trim() || "unknown";

const bucket = async (kind: string, value: string) => `${kind}:${await sha256Hex(value)}`;

async function takeOne(env: Env, name: string, now: number, limit: Limit): Promise<TakeResult> {
  try {
    return await throttleStub(env, name).take(now, limit);
  } catch (error) {
    console.error(
      JSON.stringify({ level: "error", msg: "throttle unavailable", error: String(error) }),
    );
    throw new ApiError(
      "unavailable",
      "A part of the service is briefly unavailable; retry shortly.",
      {
        headers: { "Retry-After": "1" },
      },
    );
  }
}

const refused = (what: string, retryAfterSeconds: number) =>
  new ApiError("rate_limited", `Too many ${what}; retry in ${retryAfterSeconds}s.`, {
    headers: { "Retry-After": String(retryAfterSeconds) },
  });

/** Gives back taken slots; a refund that cannot reach its object is logged, never fatal. */
export async function refundAll(env: Env, taken: Taken[]): Promise<void> {
  await Promise.all(
    taken.map((slot) =>
      throttleStub(env, slot.name)
        .refund(slot.start)
        .catch((error: unknown) =>
          console.error(
            JSON.stringify({ level: "error", msg: "throttle refund failed", error: String(error) }),
          ),
        ),
    ),
  );
}

/** Takes a log-in slot for the client IP and for the e-mail, or throws 429 (both untouched). */
export async function takeLoginSlots(
  env: Env,
  ip: string,
  email: string,
  now: number,
  perMinute: number,
): Promise<Taken[]> {
  const limit = { limit: perMinute, windowMs: MINUTE_MS };
  const names = await Promise.all([
    bucket("login-ip", ip),
    bucket("login-email", normalizeEmail(email)),
  ]);
  const settled = await Promise.allSettled(names.map((name) => takeOne(env, name, now, limit)));
  const taken: Taken[] = [];
  let retryAfter = 0;
  let failure: unknown = null;
  settled.forEach((outcome, index) => {
    if (outcome.status === "rejected") failure = outcome.reason;
    else if (outcome.value.ok)
      taken.push({ name: names[index]!, start: outcome.value.window.start });
    else retryAfter = Math.max(retryAfter, outcome.value.retryAfterSeconds);
  });
  if (failure || retryAfter > 0) {
    await refundAll(env, taken);
    if (failure) throw failure;
    throw refused("failed log-ins", retryAfter);
  }
  return taken;
}

/** Takes a sign-up slot for the client IP, or throws 429. Every attempt counts. */
export async function takeSignupSlot(
  env: Env,
  ip: string,
  now: number,
  perHour: number,
): Promise<void> {
  const result = await takeOne(env, await bucket("signup-ip", ip), now, {
    limit: perHour,
    windowMs: HOUR_MS,
  });
  if (!result.ok) throw refused("sign-ups from this address", result.retryAfterSeconds);
}
