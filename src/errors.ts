/**
 * The single error type of the API. Every failure a client can see is one of these codes, and the
 * code alone decides the HTTP status, so handlers never pick statuses by hand.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  bad_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_api_key: 401,
  api_key_revoked: 401,
  api_key_expired: 401,
  forbidden: 403,
  insufficient_scope: 403,
  csrf_rejected: 403,
  signup_closed: 403,
  test_mode_only: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  number_taken: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  contact_opted_out: 422,
  from_not_owned: 422,
  number_not_in_carrier: 422,
  limit_reached: 422,
  rate_limited: 429,
  internal_error: 500,
  not_configured: 503,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; request_id?: string };
}

export function errorBody(error: ApiError, requestId: string | undefined): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      ...(requestId ? { request_id: requestId } : {}),
    },
  };
}

export const notFound = (what: string) => new ApiError("not_found", `No such ${what}.`);
