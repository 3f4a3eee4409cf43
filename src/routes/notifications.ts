import { createRoute, z } from "@hono/zod-openapi";
import { principalOf, requireScope } from "../http/auth";
import { createRouter, errorResponses, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import { listNotifications, notificationResource } from "../notifications/endpoint-alerts";

const NotificationSchema = z
  .object({
    id: z.string(),
    type: z.enum([
      "endpoint.failed",
      "endpoint.disabled",
      "endpoint.recovered",
      "endpoint.backlog_warning",
    ]),
    endpoint_id: z.string(),
    message: z.string(),
    created_at: z.string(),
  })
  .openapi("Notification");

const listNotificationsRoute = createRoute({
  method: "get",
  path: "/v1/notifications",
  operationId: "listNotifications",
  tags: ["Notifications"],
  summary: "Endpoint failure and recovery notices, newest first",
  description:
    "Needs `webhooks:read`. One notice per transition (failed, recovered, disabled); admins are also e-mailed.",
  middleware: [requireScope("webhooks:read")] as const,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageSchema(NotificationSchema), "A page of notices"),
    ...errorResponses(401, 403, 422, 429),
  },
});

export const notificationRoutes = createRouter().openapi(listNotificationsRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const rows = await listNotifications(c.get("db"), principalOf(c).accountId, limit, cursor);
  return c.json(toPage(rows, limit, notificationResource), 200);
});
