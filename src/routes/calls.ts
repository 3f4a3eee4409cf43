import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../http/auth";
import { runLedger } from "../http/ledger";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema } from "../lib/pagination";
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
  summary: "Trigger a call (`queued`, then `in-progress`); completion fires `phone_call.completed`",
  description:
    "Needs `calls:write`. Answers 202 at once; the outcome arrives as `phone_call.completed`.",
  middleware: [requireScope("calls:write")] as const,
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
  .openapi(startRoute, (c) => runLedger(c, "startCall", c.req.valid("json")))
  .openapi(listRoute, (c) => runLedger(c, "listCalls", c.req.valid("query")))
  .openapi(getRoute, (c) => runLedger(c, "getCall", c.req.valid("param")));
