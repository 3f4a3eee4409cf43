import { createMiddleware } from "hono/factory";
import { readConfig } from "./config";
import { database } from "./db/client";
import { authenticate } from "./http/auth";
import { parseJsonBody } from "./http/body";
import type { AppEnv } from "./http/context";
import { onError, onNotFound } from "./http/errors";
import { openApiDocument, openApiRoute } from "./http/openapi";
import { createRouter } from "./http/router";
import { accountRoutes } from "./routes/account";
import { subAccountRoutes } from "./routes/accounts";
import { apiKeyRoutes } from "./routes/api-keys";
import { auditRoutes } from "./routes/audit-events";
import { authRoutes } from "./routes/auth";
import { callRoutes } from "./routes/calls";
import { carrierRoutes } from "./routes/carrier";
import { carrierRoutingRoutes } from "./routes/carrier-routing";
import { contactRoutes } from "./routes/contacts";
import { deliveryRoutes } from "./routes/deliveries";
import { eventTypeRoutes } from "./routes/event-types";
import { eventRoutes } from "./routes/events";
import { integrationRoutes } from "./routes/integrations";
import { messageRoutes } from "./routes/messages";
import { notificationRoutes } from "./routes/notifications";
import { phoneNumberRoutes } from "./routes/phone-numbers";
import { secretScanningRoutes } from "./routes/secret-scanning";
import { systemRoutes } from "./routes/system";
import { testHelperRoutes } from "./routes/test-helpers";
import { userRoutes } from "./routes/users";
import { webhookStatsRoutes } from "./routes/webhook-stats";
import { webhookRoutes } from "./routes/webhooks";
import { createServices, type Services } from "./services";
import { uiRoutes } from "./ui/routes";

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
  // Seed 003's curl sends JSON labelled form-urlencoded; only the Integrations API forgives that.
  const body = parseJsonBody({ anyContentType: (path) => /\/integrations(\/[^/]+)?$/.test(path) });
  app.use("/v1/*", api, body, authenticate);
  app.use("/:slug/integrations", api, body, authenticate);
  app.use("/:slug/integrations/*", api, body, authenticate);

  app.route("/", systemRoutes);
  app.route("/", authRoutes);
  app.route("/", userRoutes);
  app.route("/", accountRoutes);
  app.route("/", subAccountRoutes);
  app.route("/", apiKeyRoutes);
  app.route("/", secretScanningRoutes);
  app.route("/", auditRoutes);
  app.route("/", webhookRoutes);
  app.route("/", webhookStatsRoutes);
  app.route("/", eventTypeRoutes);
  app.route("/", deliveryRoutes);
  app.route("/", eventRoutes);
  app.route("/", notificationRoutes);
  app.route("/", messageRoutes);
  app.route("/", contactRoutes);
  app.route("/", callRoutes);
  app.route("/", phoneNumberRoutes);
  app.route("/", testHelperRoutes);
  app.route("/", integrationRoutes());
  app.route("/", carrierRoutingRoutes);
  app.route("/", carrierRoutes);

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
  // Serialised once too: the document is immutable after the first build.
  let openApiJson: string | undefined;
  app.openAPIRegistry.registerPath(openApiRoute);
  app.get(openApiRoute.path, (c) => {
    openApiJson ??= JSON.stringify(openApiDocument(app, API_VERSION));
    return c.body(openApiJson, 200, { "Content-Type": "application/json; charset=UTF-8" });
  });

  app.route("/", uiRoutes);

  app.notFound(onNotFound);
  app.onError(onError);
  return app;
}
