// A tiny HTTP client for the Switchboard API over loopback, shared by the e2e tests and the bench.
import { createServer } from "node:http";

let counter = 0;
export const unique = (label) =>
  `${label}-${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const REQUEST_TIMEOUT_MS = 30_000;

/** A response body as JSON when it is JSON, else its text (null when empty). */
export function parseBody(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class ApiClient {
  constructor(baseUrl, { key = null, cookie = null } = {}) {
    this.baseUrl = baseUrl;
    this.key = key;
    this.cookie = cookie;
  }

  withKey(key) {
    return new ApiClient(this.baseUrl, { key });
  }

  /** Returns `{ status, body, headers }`; throws on a non-2xx unless `expect` is given. */
  async request(method, path, { body, expect, headers = {} } = {}) {
    const init = {
      method,
      headers: { ...headers },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    };
    if (this.key) init.headers.authorization = `Bearer ${this.key}`;
    if (this.cookie) {
      init.headers.cookie = this.cookie;
      init.headers.origin = this.baseUrl;
    }
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    const parsed = parseBody(text);
    const ok = expect === undefined ? response.ok : response.status === expect;
    if (!ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  get(path, options) {
    return this.request("GET", path, options);
  }

  post(path, body, options = {}) {
    return this.request("POST", path, { ...options, body });
  }
}

/** Signs up a fresh account (cookie session) and issues a test key with every scope. */
export async function newAccountWithTestKey(baseUrl, label = "e2e") {
  const response = await fetch(`${baseUrl}/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({
      account_name: unique(`${label}-account`),
      email: `${unique(label)}@example.com`,
      password: "correct horse battery staple",
    }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (response.status !== 201) {
    throw new Error(`signup answered ${response.status}: ${await response.text()}`);
  }
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("sb_session="));
  if (!setCookie) throw new Error("signup did not set the sb_session cookie");
  const session = new ApiClient(baseUrl, { cookie: setCookie.split(";")[0] });
  const created = await session.post(
    "/v1/api-keys",
    { name: unique(`${label}-key`), environment: "test" },
    { expect: 201 },
  );
  const key = created.body.key;
  if (typeof key !== "string" || !key.startsWith("sk_test_")) {
    throw new Error(`expected an sk_test_ key, got ${JSON.stringify(created.body)}`);
  }
  return { session, api: session.withKey(key), key };
}

/**
 * A loopback webhook receiver. `mode.status` decides the answer (flip it at any time); every
 * request is recorded with its headers, raw body, parsed id, answered status and receive time.
 */
export async function startReceiver({ status = 200 } = {}) {
  const mode = { status };
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const receivedAt = Date.now();
      const body = Buffer.concat(chunks).toString("utf8");
      let id = null;
      try {
        id = JSON.parse(body).id ?? null;
      } catch {
        // recorded with id null
      }
      const answered = mode.status;
      received.push({ id, body, headers: req.headers, status: answered, receivedAt });
      res.writeHead(answered, { "content-type": "text/plain" });
      res.end(answered < 300 ? "ok" : "receiver says no");
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/hook`,
    mode,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check()` every `intervalMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(check, { timeoutMs, intervalMs = 250, what = "condition" }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let i = 0; Date.now() < deadline && i < 100_000; i++) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
