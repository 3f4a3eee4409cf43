import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, errorBody } from "../errors";
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

/** The one place errors become responses. Unknown failures are logged and never described. */
export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const requestId = c.get("requestId");
  const known = asApiError(error);
  if (known) {
    for (const [name, value] of Object.entries(known.headers)) c.header(name, value);
    return c.json(errorBody(known, requestId), known.status);
  }
  console.error(
    JSON.stringify({
      level: "error",
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
