import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../http/auth";
import { runLedger } from "../http/ledger";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { PageQuery, pageSchema } from "../lib/pagination";
import { E164 } from "../messaging/phone";
import { idParam } from "./schemas";

const tags = ["Messages"];

export const MessageSchema = z
  .object({
    id: z.string().openapi({ example: "msg_0VZ2xTqK3aBcDeFgHiJkLmNoP" }),
    direction: z.enum(["outbound", "inbound"]),
    from: z.string(),
    to: z.string(),
    body: z.string(),
    status: z.enum(["queued", "sent", "delivered", "failed", "unknown", "received"]),
    custom_id: z.string().nullable(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    segments: z.number().int(),
    created_at: z.string(),
    contact_id: z.string().nullable(),
  })
  .openapi("Message");

const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .max(255)
    .optional()
    .openapi({ description: "Retries with the same key return the first response (24 h)." }),
});

const sendRoute = createRoute({
  method: "post",
  path: "/v1/messages",
  operationId: "sendMessage",
  tags,
  summary: "Send an SMS",
  description:
    "Accepted for delivery: the message is `queued`; `message.sent` fires when the carrier has it, then `message.delivered`, `message.failed` or `message.unknown`.",
  middleware: [requireScope("messages:write")] as const,
  request: {
    headers: idempotencyHeader,
    ...jsonBody(
      z.strictObject({
        to: E164,
        body: z
          .string()
          .min(1, "The message body cannot be empty.")
          .max(1600, "At most 1600 characters."),
        from: E164.optional(),
        custom_id: z
          .string()
          .max(100)
          .optional()
          .openapi({ description: "Your own id, echoed in every event" }),
      }),
    ),
  },
  responses: {
    202: jsonContent(MessageSchema, "Accepted; delivery is reported by events"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/v1/messages",
  operationId: "listMessages",
  tags,
  summary: "List messages, newest first",
  description: "Needs `messages:read`. Test keys see test messages, live keys live ones.",
  middleware: [requireScope("messages:read")] as const,
  request: {
    query: PageQuery.extend({
      status: MessageSchema.shape.status.optional(),
      direction: MessageSchema.shape.direction.optional(),
      contact_id: z.string().max(64).optional(),
    }),
  },
  responses: {
    200: jsonContent(pageSchema(MessageSchema), "A page of messages"),
    ...errorResponses(401, 403, 422, 429),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/messages/{id}",
  operationId: "getMessage",
  tags,
  summary: "Retrieve a message",
  description: "Needs `messages:read`.",
  middleware: [requireScope("messages:read")] as const,
  request: { params: idParam("msg") },
  responses: {
    200: jsonContent(MessageSchema, "The message"),
    ...errorResponses(401, 403, 404, 429),
  },
});

export const messageRoutes = createRouter()
  .openapi(sendRoute, (c) => runLedger(c, "sendMessage", c.req.valid("json")))
  .openapi(listRoute, (c) => runLedger(c, "listMessages", c.req.valid("query")))
  .openapi(getRoute, (c) => runLedger(c, "getMessage", c.req.valid("param")));
