import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/app";
import { createServices, type IdGenerator, ManualClock } from "../../src/services";
import { type CallOptions, json, ORIGIN, PASSWORD, sessionCookie, unique } from "../helpers";

export interface HarnessOptions {
  clock?: ManualClock;
  ids?: IdGenerator;
  /** Overrides of `[vars]`, e.g. `{ SIGNUP: "closed" }`. */
  vars?: Record<string, string>;
}

/**
 * Builds its own app (so a test can hold the clock or change config) and sends requests the same
 * way `call` from ../helpers does: JSON bodies, our own Origin on cookie mutations by default.
 */
export function harness(options: HarnessOptions = {}) {
  const clock = options.clock ?? new ManualClock();
  const app = createApp({ services: () => createServices({ clock, ids: options.ids }) });
  const bindings = { ...env, ...options.vars } as Env;

  async function send(path: string, call: CallOptions = {}): Promise<Response> {
    const headers = new Headers(call.headers);
    if (call.body !== undefined) headers.set("content-type", "application/json");
    if (call.cookie) headers.set("cookie", call.cookie);
    if (call.bearer) headers.set("authorization", `Bearer ${call.bearer}`);
    const method =
      call.method ?? (call.body === undefined && call.rawBody === undefined ? "GET" : "POST");
    const origin = call.origin === undefined ? (call.cookie ? ORIGIN : null) : call.origin;
    if (origin && method !== "GET") headers.set("origin", origin);
    const request = new Request(`${ORIGIN}${path}`, {
      method,
      headers,
      body: call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
    });
    const ctx = createExecutionContext();
    const response = await app.fetch(request, bindings, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  /** Signs up a fresh account through this app (so its session follows this app's clock). */
  async function signup() {
    const email = `${unique("admin")}@example.com`;
    const response = await send("/v1/auth/signup", {
      body: { account_name: unique("Clocked "), email, password: PASSWORD },
    });
    if (response.status !== 201) throw new Error(`signup failed: ${response.status}`);
    const body = await json(response);
    return {
      cookie: sessionCookie(response),
      setCookie: response.headers.get("set-cookie") ?? "",
      userId: body.user.id as string,
      accountId: body.account.id as string,
      email,
    };
  }

  return { app, clock, send, signup };
}
