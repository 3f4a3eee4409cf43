import { createRoute, z } from "@hono/zod-openapi";
import { auditResource, listAuditEvents } from "../audit/log";
import { principalOf, requireAdmin } from "../http/auth";
import { createRouter, errorResponses, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";

const AuditEventSchema = z
  .object({
    id: z.string(),
    action: z.string().openapi({ example: "api_key.rotated" }),
    actor_user_id: z.string().nullable(),
    target_type: z.string(),
    target_id: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .openapi("AuditEvent");

const listAuditRoute = createRoute({
  method: "get",
  path: "/v1/audit-events",
  operationId: "listAuditEvents",
  tags: ["Audit"],
  summary: "Who created, rotated and revoked which key, newest first (admin)",
  description: "Admin session only; paginated.",
  security: [{ session: [] }],
  middleware: [requireAdmin] as const,
  request: { query: PageQuery },
  responses: {
    200: jsonContent(pageSchema(AuditEventSchema), "A page of audit events"),
    ...errorResponses(401, 403, 422),
  },
});

export const auditRoutes = createRouter().openapi(listAuditRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const rows = await listAuditEvents(c.get("db"), principalOf(c).accountId, limit, cursor);
  return c.json(toPage(rows, limit, auditResource), 200);
});
