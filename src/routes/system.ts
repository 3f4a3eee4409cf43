import { createRoute, z } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { createRouter, jsonContent } from "../http/router";

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["System"],
  summary: "Liveness for load balancers",
  responses: {
    200: jsonContent(z.object({ ok: z.literal(true), time: z.string() }), "The worker is serving"),
  },
});

export const systemRoutes = createRouter()
  .openapi(healthRoute, (c) =>
    c.json({ ok: true as const, time: new Date(c.get("services").clock.now()).toISOString() }, 200),
  )
  .get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Switchboard API" }));
