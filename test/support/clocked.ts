import { ManualClock } from "../../src/services";
import type { CallOptions } from "../helpers";
import { harness } from "../http/harness";

/**
 * An app whose clock only moves when the test says so, over the same bindings as the deployed
 * worker (D1, KV, Durable Objects). `envOverrides` swaps configuration or bindings. A thin,
 * fetch-shaped face of `harness` for tests that send JSON with `json`.
 */
export function clockedApp(envOverrides: Record<string, unknown> = {}, start = Date.now()) {
  const { clock, send, env } = harness({ clock: new ManualClock(start), vars: envOverrides });
  function fetch(
    path: string,
    init: RequestInit & Pick<CallOptions, "cookie" | "bearer"> & { json?: unknown } = {},
  ) {
    return send(path, {
      ...(init.method ? { method: init.method } : {}),
      ...(init.headers ? { headers: Object.fromEntries(new Headers(init.headers)) } : {}),
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.bearer ? { bearer: init.bearer } : {}),
      ...(init.json === undefined ? {} : { body: init.json }),
      ...(init.body === undefined || init.body === null ? {} : { rawBody: init.body }),
    });
  }
  return { clock, fetch, env };
}
