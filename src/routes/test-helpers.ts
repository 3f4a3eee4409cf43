import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../http/auth";
import { runLedger } from "../http/ledger";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { E164 } from "../messaging/phone";
import { MessageSchema } from "./messages";

const inboundRoute = createRoute({
  method: "post",
  path: "/v1/test-helpers/inbound-messages",
  operationId: "createTestInboundMessage",
  tags: ["Test helpers"],
  summary: "Make the simulated carrier deliver an inbound SMS (test keys only)",
  description:
    "Fires `message.received`; a new sender fires `contact.created`; STOP/START opt the contact out or in.",
  middleware: [requireScope("messages:write")] as const,
  request: {
    headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
    ...jsonBody(
      z.strictObject({ from: E164, to: E164.optional(), body: z.string().min(1).max(1600) }),
    ),
  },
  responses: {
    201: jsonContent(MessageSchema, "The received message"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const testHelperRoutes = createRouter().openapi(inboundRoute, (c) =>
  runLedger(c, "simulateInbound", c.req.valid("json")),
);
