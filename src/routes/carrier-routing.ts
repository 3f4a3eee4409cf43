import { createRoute, z } from "@hono/zod-openapi";
import { accountObject } from "../durable/stubs";
import { createRouter } from "../http/router";
import { liveOwnerOf } from "../numbers/service";
import {
  ACCOUNT_ID,
  callbackErrors,
  EMPTY_TWIML,
  formBody,
  InboundForm,
  pathId,
  refuseUnowned,
  signatureHeader,
  twilioGate,
} from "./carrier";

/**
 * The callbacks routed by what they are about rather than by a path the adapter chose: inbound
 * SMS by the number it was sent to (one webhook URL for every number of the Twilio account), and
 * a call's recording, which Twilio reports separately from its status.
 */
const tags = ["Carrier callbacks"];

const RecordingForm = z
  .object({
    CallSid: z.string().max(64).optional(),
    RecordingSid: z.string().max(64).optional(),
    RecordingStatus: z.string().min(1).max(32).openapi({ example: "completed" }),
    // The URL reaches customers in `phone_call.completed`, so only a real http(s) URL is kept.
    RecordingUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .openapi({ example: "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/RE42" }),
  })
  .openapi("TwilioRecordingStatusCallback");

const inboundByNumberRoute = createRoute({
  method: "post",
  path: "/carrier/twilio/inbound",
  operationId: "receiveTwilioInboundByNumber",
  tags,
  summary: "Twilio inbound SMS webhook, routed by the `To` number (signed)",
  description:
    "One messaging webhook URL for every number: the message goes to the account that owns `To` as a live number. A number no account owns is refused with 404 and logged, never guessed. Otherwise as the account-addressed inbound route (STOP/START/HELP keywords included).",
  middleware: [twilioGate] as const,
  security: [],
  request: { headers: signatureHeader, ...formBody(InboundForm) },
  responses: {
    200: {
      description: "An empty TwiML response (a HELP reply is sent through the REST API)",
      content: { "text/xml": { schema: z.string().openapi({ example: EMPTY_TWIML }) } },
    },
    ...callbackErrors,
  },
});

const recordingRoute = createRoute({
  method: "post",
  path: "/carrier/twilio/{account_id}/calls/{call_id}/recording",
  operationId: "receiveTwilioRecordingStatus",
  tags,
  summary: "Twilio recording status callback (signed with X-Twilio-Signature)",
  description:
    "Twilio's `RecordingStatusCallback` for a live call. A `completed` recording's `RecordingUrl` becomes the call's `recording_url`: a call waiting for it completes now (`phone_call.completed`); one whose status has not arrived yet keeps it for then. Other statuses, late or repeated callbacks change nothing.",
  middleware: [twilioGate] as const,
  security: [],
  request: {
    headers: signatureHeader,
    params: z.object({
      account_id: ACCOUNT_ID,
      call_id: pathId("call_id", "call_0VZ2xTqK3aBcDeFgHiJkLmNoP"),
    }),
    ...formBody(RecordingForm),
  },
  responses: { 204: { description: "Recorded (or nothing to change)" }, ...callbackErrors },
});

export const carrierRoutingRoutes = createRouter()
  .openapi(inboundByNumberRoute, async (c) => {
    const form = c.req.valid("form");
    const accountId = await liveOwnerOf(c.get("db"), form.To);
    if (accountId === null) throw refuseUnowned(c.get("requestId"), form.To, "inbound");
    const stored = await accountObject(c.env, accountId).receiveInbound(
      accountId,
      { from: form.From, to: form.To, body: form.Body, carrierSid: form.MessageSid },
      c.get("services").clock.now(),
    );
    if (stored === null) throw refuseUnowned(c.get("requestId"), form.To, "inbound");
    return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml; charset=utf-8" });
  })
  .openapi(recordingRoute, async (c) => {
    const { account_id, call_id } = c.req.valid("param");
    const form = c.req.valid("form");
    if (form.RecordingStatus.toLowerCase() === "completed" && form.RecordingUrl) {
      await accountObject(c.env, account_id).attachRecording(
        account_id,
        call_id,
        form.RecordingUrl,
        c.get("services").clock.now(),
      );
    }
    return c.body(null, 204);
  });
