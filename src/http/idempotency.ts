import { and, eq, lt } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { isUniqueViolation } from "../db/client";
import { idempotencyKeys } from "../db/schema";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/crypto";
import { principalOf } from "./auth";
import type { AppEnv } from "./context";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const IN_PROGRESS = 0;

/**
 * Stripe-style `Idempotency-Key`: the first response to a key (per account and mode, 24 h) is
 * stored and replayed for retries with the same request; the same key with a different request is
 * a 409. A key is claimed before the handler runs, so two concurrent retries cannot both act.
 * Server errors (5xx) release the key so the client can retry.
 */
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (key.length === 0 || key.length > 255) {
    throw new ApiError("validation_failed", "Idempotency-Key must be 1 to 255 characters.", {
      details: [
        { path: "Idempotency-Key", message: "1 to 255 characters", code: "invalid_header" },
      ],
    });
  }
  const principal = principalOf(c);
  const db = c.get("db");
  const now = c.get("services").clock.now();
  const owner = and(
    eq(idempotencyKeys.accountId, principal.accountId),
    eq(idempotencyKeys.livemode, principal.livemode),
    eq(idempotencyKeys.key, key),
  );
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);

  await db
    .delete(idempotencyKeys)
    .where(and(owner, lt(idempotencyKeys.createdAt, now - IDEMPOTENCY_TTL_MS)));
  try {
    await db.insert(idempotencyKeys).values({
      accountId: principal.accountId,
      livemode: principal.livemode,
      key,
      requestHash,
      status: IN_PROGRESS,
      body: "",
      createdAt: now,
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const [first] = await db.select().from(idempotencyKeys).where(owner).limit(1);
    if (!first || first.requestHash !== requestHash) {
      throw new ApiError(
        "idempotency_conflict",
        "This Idempotency-Key was already used with a different request.",
      );
    }
    if (first.status === IN_PROGRESS) {
      throw new ApiError(
        "idempotency_conflict",
        "A request with this Idempotency-Key is still in progress.",
      );
    }
    return c.body(first.body, first.status as 200, {
      "content-type": "application/json",
      "idempotent-replayed": "true",
    });
  }

  await next();
  if (c.res.status >= 500) {
    await db.delete(idempotencyKeys).where(owner);
    return;
  }
  const body = await c.res.clone().text();
  await db.update(idempotencyKeys).set({ status: c.res.status, body }).where(owner);
});
