import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, errorBody } from "../errors";
import { settleKeyClaim } from "./auth";
import type { AppEnv } from "./context";

function asApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413)
      return new ApiError("payload_too_large", "The request body is too large.");
    if (error.status === 400)
      return new ApiError("invalid_json", "The request body is not valid JSON.");
    if (error.status === 415) {
      return new ApiError(
        "unsupported_media_type",
        "This route does not accept that Content-Type.",
      );
    }
  }
  return null;
}

/** A Durable Object that is overloaded, restarting or unreachable: retryable, never a 500. */
function unavailable(error: unknown): ApiError | null {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  const retryable =
    (typeof error === "object" &&
      error !== null &&
      (error as { retryable?: unknown }).retryable === true) ||
    (typeof error === "object" &&
      error !== null &&
      (error as { overloaded?: unknown }).overloaded === true) ||
    /durable object|network connection lost|overloaded|reset because its code was updated/i.test(
      text,
    );
  return retryable
    ? new ApiError("unavailable", "A part of the service is briefly unavailable; retry shortly.", {
        headers: { "Retry-After": "1" },
      })
    : null;
}

/**
 * The one place errors become responses. Unknown failures are logged and never described. A key
 * that was left for a ledger call that never happened (say the body failed validation) is checked
 * first, so a bad key always hears 401 before anything about its request.
 */
export const onError: ErrorHandler<AppEnv> = async (error, c) => {
  const requestId = c.get("requestId");
  if (c.get("keyClaim")) {
    try {
      await settleKeyClaim(c);
    } catch (authError) {
      return onError(authError as Error, c);
    }
  }
  const known = asApiError(error) ?? unavailable(error);
  if (known) {
    for (const [name, value] of Object.entries(known.headers)) c.header(name, value);
    return c.json(errorBody(known, requestId), known.status);
  }
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error",
      request_id: requestId,
      error: String(error),
      stack: error instanceof Error ? error.stack : undefined,
    }),
  );
  return c.json(
    errorBody(new ApiError("internal_error", "Something went wrong on our side."), requestId),
    500,
  );
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  c.json(
    errorBody(
      new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`),
      c.get("requestId"),
    ),
    404,
  );
