import { createMiddleware } from "hono/factory";
import { readConfig } from "./config";
import { database } from "./db/client";
import { authenticate } from "./http/auth";
import { parseJsonBody } from "./http/body";
import type { AppEnv } from "./http/context";
import { onError, onNotFound } from "./http/errors";
import { createRouter } from "./http/router";
import { authRoutes } from "./routes/auth";
import { systemRoutes } from "./routes/system";
import { userRoutes } from "./routes/users";
import { createServices, type Services } from "./services";

export interface AppOptions {
  /** Tests pass a manual clock or fixed ids here; production builds fresh system services. */
  services?: () => Services;
}

export const API_VERSION = "2026-11-01";

export function createApp(options: AppOptions = {}) {
  const app = createRouter();
  const makeServices = options.services ?? (() => createServices());

  app.use("*", async (c, next) => {
    const services = makeServices();
    const requestId = c.req.header("cf-ray") ?? services.ids.next("req");
    c.set("requestId", requestId);
    c.set("services", services);
    c.set("config", readConfig(c.env));
    c.set("db", database(c.env.DB));
    c.header("X-Request-Id", requestId);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    await next();
  });

  const api = createMiddleware<AppEnv>(async (c, next) => {
    c.header("Cache-Control", "no-store");
    return next();
  });
  app.use("/v1/*", api, parseJsonBody(), authenticate);

  app.route("/", systemRoutes);
  app.route("/", authRoutes);
  app.route("/", userRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key (`sk_live_…` or `sk_test_…`).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "sb_session",
    description: "The dashboard session cookie, set by signup and login.",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: API_VERSION,
      description:
        "API keys, webhooks, messages, calls and contacts for the Switchboard messaging platform. Errors are always `{error:{code,message,details}}`.",
    },
    security: [{ apiKey: [] }, { session: [] }],
  });

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}
