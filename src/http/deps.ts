import type { Context } from "hono";
import type { MessagingDeps, Scope } from "../messaging/deps";
import type { EndpointDeps } from "../webhooks/endpoints";
import { principalOf } from "./auth";
import type { AppEnv } from "./context";

/** What domain functions that touch D1 and Durable Objects need from a request. */
export const endpointDeps = (c: Context<AppEnv>): EndpointDeps => ({
  db: c.get("db"),
  services: c.get("services"),
  env: c.env,
});

/** Messaging happens in the caller's account and mode (test keys: test data only). */
export const scopeOf = (c: Context<AppEnv>): Scope => {
  const principal = principalOf(c);
  return { accountId: principal.accountId, livemode: principal.livemode };
};

export const messagingDeps = (c: Context<AppEnv>): MessagingDeps => ({
  db: c.get("db"),
  services: c.get("services"),
  env: c.env,
  config: c.get("config"),
});
