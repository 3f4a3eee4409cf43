import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import { principalOf, requireScope } from "../http/auth";
import { messagingDeps, scopeOf } from "../http/deps";
import { idempotent } from "../http/idempotency";
import { createRouter, errorResponses, jsonBody, jsonContent } from "../http/router";
import { messageResource, receiveInbound } from "../messaging/messages";
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
  middleware: [requireScope("messages:write"), idempotent] as const,
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

export const testHelperRoutes = createRouter().openapi(inboundRoute, async (c) => {
  const principal = principalOf(c);
  if (principal.kind !== "api_key" || principal.livemode) {
    throw new ApiError("test_mode_only", "Test helpers need a test-mode key (sk_test_…).");
  }
  const body = c.req.valid("json");
  const deps = messagingDeps(c);
  const message = await receiveInbound(deps, scopeOf(c), {
    from: body.from,
    to: body.to ?? deps.config.defaultFromNumber,
    body: body.body,
    carrier: "simulated",
  });
  return c.json(messageResource(message), 201);
});
