import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/app";
import { createServices, ManualClock } from "../../src/services";
import { ORIGIN } from "../helpers";

/**
 * An app whose clock only moves when the test says so, over the same bindings as the deployed
 * worker (D1, KV, Durable Objects). `envOverrides` swaps configuration or bindings.
 */
export function clockedApp(
  envOverrides: Partial<Env> & Record<string, unknown> = {},
  start = Date.now(),
) {
  const clock = new ManualClock(start);
  const app = createApp({ services: () => createServices({ clock }) });
  const bindings = { ...env, ...envOverrides } as Env;
  async function fetch(
    path: string,
    init: RequestInit & { cookie?: string; bearer?: string; json?: unknown } = {},
  ) {
    const headers = new Headers(init.headers);
    if (init.cookie) {
      headers.set("cookie", init.cookie);
      headers.set("origin", ORIGIN);
    }
    if (init.bearer) headers.set("authorization", `Bearer ${init.bearer}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const method = init.method ?? (body === undefined ? "GET" : "POST");
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request(`${ORIGIN}${path}`, { method, headers, body }),
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return response;
  }
  return { clock, fetch, env: bindings };
}
