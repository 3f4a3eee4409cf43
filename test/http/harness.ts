import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/app";
import { createServices, type IdGenerator, ManualClock } from "../../src/services";
import { type CallOptions, json, PASSWORD, sessionCookie, testRequest, unique } from "../helpers";

export interface HarnessOptions {
  clock?: ManualClock;
  ids?: IdGenerator;
  /** Overrides of `[vars]` or bindings, e.g. `{ SIGNUP: "closed" }` or a wrapped `KEYS`. */
  vars?: Record<string, unknown>;
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
    const ctx = createExecutionContext();
    const response = await app.fetch(testRequest(path, call), bindings, ctx);
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

  return { app, clock, send, signup, env: bindings };
}
