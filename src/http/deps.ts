import type { Context } from "hono";
import type { EndpointDeps } from "../webhooks/endpoints";
import type { AppEnv } from "./context";

/** What domain functions that touch D1 and Durable Objects need from a request. */
export const endpointDeps = (c: Context<AppEnv>): EndpointDeps => ({
  db: c.get("db"),
  services: c.get("services"),
  env: c.env,
});
