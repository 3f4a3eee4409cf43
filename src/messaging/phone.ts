import { z } from "@hono/zod-openapi";

/** E.164: a plus, a non-zero country digit, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
export const E164 = z
  .string()
  .trim()
  .regex(E164_PATTERN, "Use an E.164 phone number, e.g. +15555550123.")
  .openapi({ example: "+15555550123" });

export const isE164 = (value: string) => E164_PATTERN.test(value);

/** The simulated carrier's magic destinations (Twilio test-credential style). */
export const MAGIC_NUMBERS = {
  fail: "+15005550001",
  unknown: "+15005550002",
} as const;

/**
 * Twilio's test-credential destinations that fail with its own error codes: the message fails
 * with `error_code` and this text, as Twilio reports it.
 */
export const MAGIC_FAILURES: Record<string, { errorCode: string; errorMessage: string }> = {
  "+15005550003": {
    errorCode: "21408",
    errorMessage: "Permission to send an SMS has not been enabled for the region.",
  },
  "+15005550004": { errorCode: "21610", errorMessage: "The recipient has blocked this number." },
  "+15005550009": { errorCode: "21614", errorMessage: "The number cannot receive SMS." },
};

/** Carrier-standard keywords, matched on the whole trimmed body, in any case. */
const OPT_OUT = new Set([
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "REVOKE",
  "OPTOUT",
]);
const OPT_IN = new Set(["START", "UNSTOP", "YES"]);
const HELP = new Set(["HELP", "INFO"]);

export function keywordOf(body: string): "opt_out" | "opt_in" | "help" | null {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return "opt_out";
  if (OPT_IN.has(word)) return "opt_in";
  if (HELP.has(word)) return "help";
  return null;
}

// GSM 03.38 basic set plus its extension table (extension characters count twice).
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

/** SMS segments: 160/153 GSM-7 septets per segment, or 70/67 UTF-16 units when not GSM. */
export function countSegments(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const char of body) {
    if (GSM_BASIC.includes(char)) septets += 1;
    else if (GSM_EXTENDED.includes(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
