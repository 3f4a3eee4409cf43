/** The JSON API as the dashboard sees it: same-origin, session cookie, §9 error bodies. */

export interface ErrorDetail {
  path?: string;
  message?: unknown;
  [key: string]: unknown;
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    details?: unknown;
    request_id?: string;
  };
}

/** A non-2xx answer (or no answer at all: status 0) carrying the API's error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | null;

  constructor(status: number, body: unknown) {
    const error = (body as ErrorBody | null)?.error ?? {};
    super(
      error.message ??
        (status
          ? `The server answered ${status}.`
          : "Could not reach the server. Check your connection and try again."),
    );
    this.name = "ApiError";
    this.status = status;
    this.code = error.code ?? (status ? `http_${status}` : "network_error");
    this.details = error.details;
    this.requestId = error.request_id ?? null;
  }
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** The sub-account this page acts in (`/dashboard?account=…`), rendered by the server. */
const actingAccount = () =>
  typeof document === "undefined" ? undefined : document.body.dataset.actingAccount;

/**
 * JSON in, JSON out; non-2xx answers throw an ApiError. While the page acts in a sub-account
 * every call carries `Switchboard-Account`, unless `home` asks for the user's own account.
 */
export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  options: { home?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const acting = options.home ? undefined : actingAccount();
  if (acting) headers["switchboard-account"] = acting;
  const init: RequestInit = { method, credentials: "same-origin", headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data as T;
}

/** A session that ended while the page was open sends the person back to the login page. */
export function isSignedOut(error: unknown): boolean {
  if (error instanceof ApiError && error.status === 401) {
    location.assign("/login");
    return true;
  }
  return false;
}
