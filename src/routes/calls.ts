import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../http/auth";
import { messagingDeps, scopeOf } from "../http/deps";
import { idempotent } from "../http/idempotency";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema, toPage } from "../lib/pagination";
import { callResource, getCall, listCalls, startCall } from "../messaging/calls";
import { E164 } from "../messaging/phone";
import { idParam } from "./schemas";

const tags = ["Calls"];
const CallStatus = z.enum(["queued", "in-progress", "completed", "failed", "busy", "no-answer"]);

const CallSchema = z
  .object({
    id: z.string().openapi({ example: "call_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    from: z.string(),
    to: z.string(),
    status: CallStatus,
    duration_seconds: z.number().int().nullable(),
    recording_url: z.string().nullable(),
    contact_id: z.string().nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .openapi("Call");

const startRoute = createRoute({
  method: "post",
  path: "/v1/calls",
  operationId: "createCall",
  tags,
  summary: "Trigger a call; completion fires `phone_call.completed`",
  description:
    "Needs `calls:write`. Answers 202 at once; the outcome arrives as `phone_call.completed`.",
  middleware: [requireScope("calls:write"), idempotent] as const,
  request: {
    headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
    ...jsonBody(z.strictObject({ to: E164, from: E164.optional() })),
  },
  responses: {
    202: jsonContent(CallSchema, "Accepted"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/calls",
  operationId: "listCalls",
  tags,
  summary: "List calls, newest first",
  description: "Needs `calls:read`.",
  middleware: [requireScope("calls:read")] as const,
  request: { query: PageQuery.extend({ status: CallStatus.optional() }) },
  responses: {
    200: jsonContent(pageSchema(CallSchema), "A page of calls"),
    ...errorResponses(401, 403, 422, 429),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/calls/{id}",
  operationId: "getCall",
  tags,
  summary: "Retrieve a call",
  description: "Needs `calls:read`.",
  middleware: [requireScope("calls:read")] as const,
  request: { params: idParam("call") },
  responses: { 200: jsonContent(CallSchema, "The call"), ...errorResponses(401, 403, 404, 429) },
});

export const callRoutes = createRouter()
  .openapi(startRoute, async (c) =>
    c.json(callResource(await startCall(messagingDeps(c), scopeOf(c), c.req.valid("json"))), 202),
  )
  .openapi(listRoute, async (c) => {
    const { limit, cursor, status } = c.req.valid("query");
    const rows = await listCalls(messagingDeps(c), scopeOf(c), { status }, limit, cursor);
    return c.json(toPage(rows, limit, callResource), 200);
  })
  .openapi(getRoute, async (c) =>
    c.json(callResource(await getCall(messagingDeps(c), scopeOf(c), c.req.valid("param").id)), 200),
  );
