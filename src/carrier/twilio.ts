import { toBase64, utf8 } from "../lib/encoding";
import { type Carrier, type CarrierDeps, CarrierRejected, CarrierUnavailable } from "./types";

/** A hand-off must not hold the account object's background work open for long. */
const TWILIO_TIMEOUT_MS = 10_000;
/** Carrier error texts end up in API responses and events; keep them to a readable size. */
const MAX_ERROR_MESSAGE = 500;
/** Names the product on every request to Twilio (their support asks for it; logs show it). */
export const USER_AGENT = "Switchboard/0.1 (+https://github.com/switchboard; twilio-compatible)";
/** What a live call plays; the API has no call content yet, so a short fixed greeting. */
const CALL_TWIML = "<Response><Say>Hello from Switchboard.</Say></Response>";

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  apiBase: string;
  publicBaseUrl: string;
}

const nonEmpty = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : null;

/**
 * The Twilio settings, or null when live mode has no real carrier. The auth token is a secret
 * (`wrangler secret put TWILIO_AUTH_TOKEN`), so it is not part of the generated `Env` type and is
 * read here as an optional string.
 */
export function twilioSettings(env: Env): TwilioSettings | null {
  const secrets = env as Env & { TWILIO_AUTH_TOKEN?: unknown };
  const accountSid = nonEmpty(env.TWILIO_ACCOUNT_SID);
  const authToken = nonEmpty(secrets.TWILIO_AUTH_TOKEN);
  const publicBaseUrl = nonEmpty(env.PUBLIC_BASE_URL);
  if (!accountSid || !authToken || !publicBaseUrl) return null;
  return {
    accountSid,
    authToken,
    // Trailing slashes would double up when paths are appended (and break signed URLs).
    apiBase: (nonEmpty(env.TWILIO_API_BASE) ?? "https://api.twilio.com").replace(/\/+$/, ""),
    publicBaseUrl: publicBaseUrl.replace(/\/+$/, ""),
  };
}

/** Live mode uses Twilio only when it can both send and receive its callbacks. */
export const twilioConfigured = (env: Env): boolean => twilioSettings(env) !== null;

/** Where Twilio reports a message's delivery status; the route of the same shape verifies it. */
export const messageStatusCallback = (
  settings: TwilioSettings,
  accountId: string,
  messageId: string,
) =>
  `${settings.publicBaseUrl}/carrier/twilio/${encodeURIComponent(accountId)}/messages/${encodeURIComponent(messageId)}/status`;

export const callStatusCallback = (settings: TwilioSettings, accountId: string, callId: string) =>
  `${settings.publicBaseUrl}/carrier/twilio/${encodeURIComponent(accountId)}/calls/${encodeURIComponent(callId)}/status`;

/** Twilio reports a call's recording here, separately from (and usually after) its status. */
export const recordingStatusCallback = (
  settings: TwilioSettings,
  accountId: string,
  callId: string,
) =>
  `${settings.publicBaseUrl}/carrier/twilio/${encodeURIComponent(accountId)}/calls/${encodeURIComponent(callId)}/recording`;

export const basicAuth = (settings: TwilioSettings) =>
  `Basic ${toBase64(utf8(`${settings.accountSid}:${settings.authToken}`))}`;

interface TwilioAnswer {
  sid?: unknown;
  code?: unknown;
  message?: unknown;
}

async function readAnswer(response: Response): Promise<TwilioAnswer> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as TwilioAnswer) : {};
  } catch {
    return {};
  }
}

/**
 * One REST call to Twilio. A 4xx is Twilio refusing this hand-off (`CarrierRejected`, final: the
 * message or call fails with Twilio's code); a 5xx, timeout or network error is Twilio unreachable
 * (`CarrierUnavailable`: the ledger retries the hand-off, then fails it as `carrier_unavailable`).
 */
async function post(
  settings: TwilioSettings,
  resource: "Messages" | "Calls",
  form: Record<string, string>,
) {
  const url = `${settings.apiBase}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/${resource}.json`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: basicAuth(settings),
        "user-agent": USER_AGENT,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(TWILIO_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new CarrierUnavailable(
      timedOut
        ? `Twilio did not answer within ${TWILIO_TIMEOUT_MS / 1000} s.`
        : "Twilio could not be reached.",
    );
  }
  const answer = await readAnswer(response).catch((): TwilioAnswer => ({}));
  if (response.ok) {
    if (typeof answer.sid === "string" && answer.sid !== "") return { carrierSid: answer.sid };
    throw new CarrierRejected(
      "carrier_unavailable",
      "Twilio accepted the request but returned no SID.",
    );
  }
  if (response.status >= 400 && response.status < 500) {
    const code =
      typeof answer.code === "number" || typeof answer.code === "string"
        ? String(answer.code)
        : String(response.status);
    const message =
      typeof answer.message === "string" && answer.message !== ""
        ? answer.message.slice(0, MAX_ERROR_MESSAGE)
        : `Twilio refused the request (HTTP ${response.status}).`;
    throw new CarrierRejected(code, message);
  }
  throw new CarrierUnavailable(`Twilio is unavailable (HTTP ${response.status}).`);
}

/**
 * The live carrier: Twilio's REST API for hand-off; delivery receipts, call completions and inbound
 * messages arrive later on the signed callback routes in src/routes/carrier.ts.
 */
export function twilioCarrier(deps: CarrierDeps, accountId: string): Carrier {
  const configured = twilioSettings(deps.env);
  if (!configured)
    throw new Error("twilioCarrier used without Twilio settings; check twilioConfigured first.");
  const settings = configured;
  return {
    name: "twilio",
    sendMessage(message) {
      return post(settings, "Messages", {
        To: message.to,
        From: message.from,
        Body: message.body,
        StatusCallback: messageStatusCallback(settings, accountId, message.id),
      });
    },
    startCall(call) {
      return post(settings, "Calls", {
        To: call.to,
        From: call.from,
        Twiml: CALL_TWIML,
        Record: "true",
        StatusCallback: callStatusCallback(settings, accountId, call.id),
        StatusCallbackEvent: "completed",
        RecordingStatusCallback: recordingStatusCallback(settings, accountId, call.id),
        RecordingStatusCallbackEvent: "completed",
      });
    },
  };
}
