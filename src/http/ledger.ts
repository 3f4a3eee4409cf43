import type { Context } from "hono";
import { accountObject } from "../durable/stubs";
import { ApiError } from "../errors";
import type { OpInput, OpName } from "../ledger/operations";
import type { LedgerCredential, LedgerResponse } from "../ledger/protocol";
import { sha256Hex } from "../lib/crypto";
import type { AppEnv } from "./context";

/**
 * Routes whose whole work is one account-object call: an API key on them is not checked by the
 * `authenticate` middleware but inside that same call (one Durable Object round trip per request).
 */
const LEDGER_PATHS = [
  /^\/v1\/messages(\/[^/]+)?$/,
  /^\/v1\/calls(\/[^/]+)?$/,
  /^\/v1\/contacts(\/[^/]+(\/opt-(out|in))?)?$/,
  /^\/v1\/events(\/[^/]+)?$/,
  /^\/v1\/test-helpers\/(inbound-messages|events)$/,
];

export const isLedgerPath = (path: string) => LEDGER_PATHS.some((pattern) => pattern.test(path));

function idempotencyKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 255) {
    throw new ApiError("validation_failed", "Idempotency-Key must be 1 to 255 characters.", {
      details: [
        { path: "Idempotency-Key", message: "1 to 255 characters", code: "invalid_header" },
      ],
    });
  }
  return key;
}

/** Who the account object should believe, and in which mode sessions act. */
function credentialOf(
  c: Context<AppEnv>,
  sessionMode: { livemode: boolean; bothModes: boolean },
): { accountId: string; credential: LedgerCredential } {
  const claim = c.get("keyClaim");
  if (claim) {
    return {
      accountId: claim.accountId,
      credential: {
        kind: "api_key",
        keyId: claim.keyId,
        hash: claim.hash,
        limitPerMinute: c.get("config").apiKeyRateLimitPerMinute,
      },
    };
  }
  const principal = c.get("principal");
  if (principal?.kind === "session") {
    return { accountId: principal.accountId, credential: { kind: "session", ...sessionMode } };
  }
  // A key already checked by its own account object (Switchboard-Account, src/http/acting.ts).
  if (principal?.kind === "api_key") {
    return {
      accountId: principal.accountId,
      credential: {
        kind: "delegated",
        keyId: principal.keyId,
        livemode: principal.livemode,
        scopes: [...principal.scopes],
      },
    };
  }
  throw new ApiError(
    "unauthorized",
    "Authentication required: log in, or send `Authorization: Bearer <api key>`.",
  );
}

export interface LedgerCallOptions {
  /** Sessions act in live mode unless the route says otherwise. */
  sessionLivemode?: boolean;
  /** Sessions see both modes (the dashboard's event log). */
  sessionBothModes?: boolean;
}

/**
 * Runs one ledger operation for this request and turns its answer into the response: the JSON
 * body as the object wrote it (so an idempotent replay is byte for byte the first answer). Typed
 * `never` so a route handler may return it whatever its declared response: the body comes from
 * the operation's resource mapper, and the OpenAPI tests check responses against the schemas.
 */
export async function runLedger<N extends OpName>(
  c: Context<AppEnv>,
  op: N,
  input: OpInput<N>,
  options: LedgerCallOptions = {},
): Promise<never> {
  const answer = await callLedger(c, op, input, options);
  return new Response(answer.body, {
    status: answer.status,
    headers: {
      "content-type": "application/json",
      ...(answer.replayed ? { "idempotent-replayed": "true" } : {}),
    },
  }) as never;
}

export async function callLedger<N extends OpName>(
  c: Context<AppEnv>,
  op: N,
  input: OpInput<N>,
  options: LedgerCallOptions = {},
): Promise<Extract<LedgerResponse, { ok: true }>> {
  const { accountId, credential } = credentialOf(c, {
    livemode: options.sessionLivemode ?? true,
    bothModes: options.sessionBothModes ?? false,
  });
  const key = c.req.method === "POST" ? idempotencyKeyOf(c) : undefined;
  const idempotency = key
    ? {
        key,
        requestHash: await sha256Hex(`${c.req.method} ${c.req.path}\n${JSON.stringify(input)}`),
      }
    : undefined;
  let answer: LedgerResponse;
  try {
    // The stub's inferred return type flattens the union; the object returns a LedgerResponse.
    answer = (await accountObject(c.env, accountId).execute({
      accountId,
      credential,
      now: c.get("services").clock.now(),
      op,
      input,
      idempotency,
    })) as LedgerResponse;
  } catch (error) {
    // Checking the key again on the error path would ask the same failing object.
    c.set("keyClaim", undefined);
    // The object is overloaded, restarting or its storage failed: nothing was committed (the
    // commit is one transaction), so the client may simply retry, with the same Idempotency-Key.
    console.error(
      JSON.stringify({
        level: "error",
        msg: "account object call failed",
        request_id: c.get("requestId"),
        op,
        error: String(error),
      }),
    );
    throw new ApiError("unavailable", "The account's data is briefly unavailable; retry shortly.", {
      headers: { "Retry-After": "1" },
    });
  }
  // The key has now been checked by its authority: later error handling must not check it again.
  c.set("keyClaim", undefined);
  if (!answer.ok) {
    const { code, message, details, headers } = answer.error;
    throw new ApiError(code, message, { details, ...(headers ? { headers } : {}) });
  }
  return answer;
}
