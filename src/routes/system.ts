import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, jsonContent } from "../http/router";

const Health = z.object({
  ok: z.boolean(),
  time: z.string(),
  checks: z.object({ api_key_pepper: z.enum(["ok", "missing"]) }),
});

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["System"],
  summary: "Liveness for load balancers",
  description:
    "Answers 200 while the worker can serve and 503 when a required secret (the API key pepper) is missing. No credentials needed.",
  security: [],
  responses: {
    200: jsonContent(Health, "The worker is serving"),
    503: jsonContent(Health, "Misconfigured: a required secret is missing"),
  },
});

export const systemRoutes = createRouter().openapi(healthRoute, (c) => {
  // A deployment without its pepper cannot authenticate keys: report it unhealthy at once.
  const pepper = typeof c.env.API_KEY_PEPPER === "string" && c.env.API_KEY_PEPPER.length >= 16;
  const body = {
    ok: pepper,
    time: new Date(c.get("services").clock.now()).toISOString(),
    checks: { api_key_pepper: pepper ? ("ok" as const) : ("missing" as const) },
  };
  return pepper ? c.json(body, 200) : c.json(body, 503);
});
