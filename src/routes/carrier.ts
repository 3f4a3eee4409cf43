import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { twilioSettings } from "../carrier/twilio";
import { verifyTwilioSignature } from "../carrier/twilio-signature";
import { FINAL_CALL_STATUS, receiptOf } from "../carrier/twilio-status";
import { accounts } from "../db/schema";
import { accountObject } from "../durable/stubs";
import { ApiError, notFound } from "../errors";
import { readLimited } from "../http/body";
import type { AppEnv } from "../http/context";
import { createRouter, errorResponses } from "../http/router";
import { E164 } from "../messaging/phone";
import { liveOwnerOf } from "../numbers/service";

/**
 * Twilio's callbacks: delivery receipts, call completions and inbound SMS. They sit outside /v1
 * and take no API key; Twilio proves each one with `X-Twilio-Signature` over the public URL it
 * called and the form body. Twilio is only ever used for live mode, so every scope here is live.
 */
const tags = ["Carrier callbacks"];

const FORM = "application/x-www-form-urlencoded";
/** The reply that tells Twilio "received, send nothing back". */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * Runs before any validation, in this order: configured (503), form body (415/413), signature
 * (403), account (404), so unsigned callers learn nothing about accounts or field rules. The
 * body is read once here for the signature and handed on so the form validator can parse it.
 */
export const twilioGate = createMiddleware<AppEnv>(async (c, next) => {
  const settings = twilioSettings(c.env);
  if (!settings) {
    throw new ApiError(
      "not_configured",
      "Twilio is not configured on this deployment (TWILIO_ACCOUNT_SID, the TWILIO_AUTH_TOKEN secret and PUBLIC_BASE_URL).",
    );
  }
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType !== FORM) {
    throw new ApiError("unsupported_media_type", `Twilio callbacks are sent as \`${FORM}\`.`);
  }
  const text = new TextDecoder().decode(await readLimited(c.req.raw, c.get("config").maxBodyBytes));
  // Twilio signs the URL it called (our public origin), not the URL this worker sees internally.
  const { pathname, search } = new URL(c.req.url);
  const signed = await verifyTwilioSignature(
    settings.authToken,
    `${settings.publicBaseUrl}${pathname}${search}`,
    new URLSearchParams(text),
    c.req.header("x-twilio-signature"),
  );
  if (!signed) throw new ApiError("forbidden", "Twilio signature did not verify.");
  // Number-routed callbacks have no account in the path: their handler finds the owner.
  const accountId = c.req.param("account_id");
  if (accountId !== undefined) {
    const account = await c
      .get("db")
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .limit(1);
    if (!account[0]) throw notFound("account");
  }
  c.req.raw = new Request(c.req.raw.url, {
    method: c.req.method,
    headers: c.req.raw.headers,
    body: text,
  });
  return next();
});

export const pathId = (name: string, example: string) =>
  z
    .string()
    .max(64)
    .openapi({ param: { name, in: "path" }, example });

export const ACCOUNT_ID = pathId("account_id", "acct_0VZ2xTqK3aBcDeFgHiJkLmNoP");
/** An empty optional field (`ErrorCode=`) means absent. */
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((value) => (value ? value : null));

const MessageStatusForm = z
  .object({
    MessageSid: z.string().max(64).optional(),
    // The sender: when given it must be a live number of the account in the path.
    From: E164.optional(),
    MessageStatus: z.string().min(1).max(32).openapi({ example: "delivered" }),
    ErrorCode: optionalText(16).openapi({ example: "30003" }),
    ErrorMessage: optionalText(1000),
  })
  .openapi("TwilioMessageStatusCallback");

const CallStatusForm = z
  .object({
    CallSid: z.string().max(64).optional(),
    From: E164.optional(),
    CallStatus: z.string().min(1).max(32).openapi({ example: "completed" }),
    CallDuration: z
      .string()
      .regex(/^\d{1,9}$/, "CallDuration must be a whole number of seconds.")
      .optional()
      .openapi({ example: "42" }),
    // The URL reaches customers in `phone_call.completed`, so only a real http(s) URL is kept.
    RecordingUrl: z
      .union([z.literal(""), z.url({ protocol: /^https?$/ }).max(2048)])
      .optional()
      .transform((value) => (value ? value : null)),
  })
  .openapi("TwilioCallStatusCallback");

export const InboundForm = z
  .object({
    MessageSid: optionalText(64),
    From: E164,
    To: E164,
    // Twilio sends an empty Body for a media-only message; 1,600 characters is its own maximum.
    Body: z.string().max(1600).default(""),
  })
  .openapi("TwilioInboundMessage");

export const formBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { [FORM]: { schema } }, required: true },
});

export const callbackErrors = errorResponses(403, 404, 413, 415, 422, 503);
export const signatureHeader = z.object({
  "x-twilio-signature": z
    .string()
    .optional()
    .openapi({ description: "base64 HMAC-SHA1 of the public URL and sorted form parameters." }),
});

const messageStatusRoute = createRoute({
  method: "post",
  path: "/carrier/twilio/{account_id}/messages/{message_id}/status",
  operationId: "receiveTwilioMessageStatus",
  tags,
  summary: "Twilio message status callback (signed with X-Twilio-Signature)",
  description:
    "Twilio's `StatusCallback` for a live message. `delivered` (or `read`) marks it delivered; `undelivered`, `failed` or `canceled` mark it failed with `ErrorCode`; `accepted`, `scheduled`, `queued`, `sending` and `sent` change nothing; any other status marks it `unknown`. Only a message still in flight changes, so repeats are harmless, and a message id that is not this account's is ignored.",
  middleware: [twilioGate] as const,
  security: [],
  request: {
    headers: signatureHeader,
    params: z.object({
      account_id: ACCOUNT_ID,
      message_id: pathId("message_id", "msg_0VZ2xTqK3aBcDeFgHiJkLmNoP"),
    }),
    ...formBody(MessageStatusForm),
  },
  responses: { 204: { description: "Recorded (or nothing to change)" }, ...callbackErrors },
});

const callStatusRoute = createRoute({
  method: "post",
  path: "/carrier/twilio/{account_id}/calls/{call_id}/status",
  operationId: "receiveTwilioCallStatus",
  tags,
  summary: "Twilio call status callback (signed with X-Twilio-Signature)",
  description:
    "Twilio's `StatusCallback` for a live call. `completed`, `failed`, `busy` and `no-answer` (and `canceled`, as `failed`) complete the call with `CallDuration`; other statuses change nothing. Only the first final status counts. Twilio records live calls and reports the recording separately (`RecordingStatusCallback`), so a `completed` call waits up to `RECORDING_WAIT_MS` for it before `phone_call.completed` is sent with `recording_url: null`. A `From` that is not the account's live number is refused (404).",
  middleware: [twilioGate] as const,
  security: [],
  request: {
    headers: signatureHeader,
    params: z.object({
      account_id: ACCOUNT_ID,
      call_id: pathId("call_id", "call_0VZ2xTqK3aBcDeFgHiJkLmNoP"),
    }),
    ...formBody(CallStatusForm),
  },
  responses: { 204: { description: "Recorded (or nothing to change)" }, ...callbackErrors },
});

const inboundRoute = createRoute({
  method: "post",
  path: "/carrier/twilio/{account_id}/inbound",
  operationId: "receiveTwilioInboundMessage",
  tags,
  summary: "Twilio inbound SMS webhook (signed with X-Twilio-Signature)",
  description:
    "Set as the number's messaging webhook. Stores the message and emits `message.received` (a new sender also becomes a contact); STOP/START keywords opt the contact out or in. A repeated `MessageSid` is acknowledged without being stored twice.",
  middleware: [twilioGate] as const,
  security: [],
  request: {
    headers: signatureHeader,
    params: z.object({ account_id: ACCOUNT_ID }),
    ...formBody(InboundForm),
  },
  responses: {
    200: {
      description: "An empty TwiML response: no automatic reply",
      content: { "text/xml": { schema: z.string().openapi({ example: EMPTY_TWIML }) } },
    },
    ...callbackErrors,
  },
});

/** A callback about a number nobody (or somebody else) owns: logged, refused, never guessed. */
export function refuseUnowned(requestId: string, number: string, kind: string): ApiError {
  console.warn(
    JSON.stringify({
      level: "warn",
      msg: "carrier callback for an unowned number refused",
      request_id: requestId,
      kind,
      number,
    }),
  );
  return notFound("phone number");
}

async function assertOwner(c: Context<AppEnv>, accountId: string, from: string | undefined) {
  if (from === undefined) return;
  if ((await liveOwnerOf(c.get("db"), from)) !== accountId) {
    throw refuseUnowned(c.get("requestId"), from, "status");
  }
}

/**
 * Each callback is one call to the account object, which applies it in one transaction with its
 * events; the object answers only after that commit, so Twilio's retry of a failed callback is
 * safe (repeats change nothing).
 */
export const carrierRoutes = createRouter()
  .openapi(messageStatusRoute, async (c) => {
    const { account_id, message_id } = c.req.valid("param");
    const form = c.req.valid("form");
    await assertOwner(c, account_id, form.From);
    const receipt = receiptOf(form.MessageStatus, form.ErrorCode, form.ErrorMessage);
    // A message of another account (or a late duplicate) is simply not in flight here: no effect.
    if (receipt) {
      const now = c.get("services").clock.now();
      await accountObject(c.env, account_id).applyReceipt(
        account_id,
        true,
        message_id,
        receipt,
        now,
      );
    }
    return c.body(null, 204);
  })
  .openapi(callStatusRoute, async (c) => {
    const { account_id, call_id } = c.req.valid("param");
    const form = c.req.valid("form");
    await assertOwner(c, account_id, form.From);
    const status = FINAL_CALL_STATUS[form.CallStatus.toLowerCase()];
    if (status) {
      const outcome = {
        status,
        durationSeconds: Number(form.CallDuration ?? "0"),
        recordingUrl: form.RecordingUrl,
      };
      const now = c.get("services").clock.now();
      await accountObject(c.env, account_id).reportCallStatus(account_id, call_id, outcome, now);
    }
    return c.body(null, 204);
  })
  .openapi(inboundRoute, async (c) => {
    const { account_id } = c.req.valid("param");
    const form = c.req.valid("form");
    // A repeated MessageSid (Twilio retries a webhook that timed out) is stored once.
    const stored = await accountObject(c.env, account_id).receiveInbound(
      account_id,
      { from: form.From, to: form.To, body: form.Body, carrierSid: form.MessageSid },
      c.get("services").clock.now(),
    );
    if (stored === null) throw refuseUnowned(c.get("requestId"), form.To, "inbound");
    return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml; charset=utf-8" });
  });
