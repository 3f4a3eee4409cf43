import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
  /** The same binding on the global Env, so Durable Object classes typed with it line up. */
  interface Env {
    TEST_MIGRATIONS: D1Migration[];
  }
}
