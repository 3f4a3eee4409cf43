import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ORIGIN = "https://switchboard.test";

let counter = 0;
/** Unique per call so no test depends on another's data. */
export const unique = (label = "t") =>
  `${label}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface CallOptions {
  method?: string;
  body?: unknown;
  rawBody?: BodyInit;
  cookie?: string;
  bearer?: string;
  headers?: Record<string, string>;
  /** Cookie requests send our own Origin by default, as the dashboard does. */
  origin?: string | null;
}

/** The one way tests build a request: JSON body, credentials, our own Origin on cookie mutations. */
export function testRequest(path: string, options: CallOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.body !== undefined) headers.set("content-type", "application/json");
  if (options.cookie) headers.set("cookie", options.cookie);
  if (options.bearer) headers.set("authorization", `Bearer ${options.bearer}`);
  const method =
    options.method ??
    (options.body === undefined && options.rawBody === undefined ? "GET" : "POST");
  const origin = options.origin === undefined ? (options.cookie ? ORIGIN : null) : options.origin;
  if (origin && method !== "GET") headers.set("origin", origin);
  return new Request(`${ORIGIN}${path}`, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
}

/** A request through the deployed worker's own entry point. */
export function call(path: string, options: CallOptions = {}): Promise<Response> {
  return exports.default.fetch(testRequest(path, options));
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field and assert each one.
export async function json<T = Record<string, any>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export function sessionCookie(response: Response): string {
  const setCookie = response.headers.get("set-cookie") ?? "";
  const match = /sb_session=([^;]+)/.exec(setCookie);
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return `sb_session=${match[1]}`;
}

export const PASSWORD = "correct horse battery";

export interface TestAccount {
  cookie: string;
  accountId: string;
  slug: string;
  userId: string;
  email: string;
}

export async function signup(name = unique("Acme ")): Promise<TestAccount> {
  const email = `${unique("admin")}@example.com`;
  const response = await call("/v1/auth/signup", {
    body: { account_name: name, email, password: PASSWORD },
  });
  expect(response.status).toBe(201);
  const body = await json(response);
  return {
    cookie: sessionCookie(response),
    accountId: body.account.id,
    slug: body.account.slug,
    userId: body.user.id,
    email,
  };
}

/** Adds a user with the given role to `admin`'s account and logs them in. */
export async function addMember(admin: TestAccount, role: "admin" | "member" = "member") {
  const email = `${unique(role)}@example.com`;
  const created = await call("/v1/users", {
    cookie: admin.cookie,
    body: { email, role, password: PASSWORD },
  });
  expect(created.status).toBe(201);
  const login = await call("/v1/auth/login", { body: { email, password: PASSWORD } });
  expect(login.status).toBe(200);
  return { cookie: sessionCookie(login), userId: (await json(created)).id as string, email };
}

export async function expectError(response: Response, status: number, code?: string | RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = await json(response);
  expect(body.error).toBeTypeOf("object");
  expect(body.error.message).toBeTypeOf("string");
  expect(body.error.request_id).toBeTypeOf("string");
  if (typeof code === "string") expect(body.error.code).toBe(code);
  if (code instanceof RegExp) expect(body.error.code).toMatch(code);
  expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|\.ts:\d+/);
  return body.error;
}

export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`select count(*) as n from ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}
