import { timingSafeEqualText } from "../lib/crypto";
import { toBase64, utf8 } from "../lib/encoding";

/** POST parameters as received, in order; a name may repeat. */
export type TwilioParams = Iterable<readonly [string, string]>;

/**
 * The string Twilio signs: the full URL it called, then every POST parameter name immediately
 * followed by its value, names in code-unit order. Repeated names contribute each of their values
 * in sorted order, as Twilio's own helper libraries do, so a signature over a repeated parameter
 * still verifies.
 */
export function twilioSignedData(url: string, params: TwilioParams): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) {
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  let data = url;
  for (const name of [...byName.keys()].sort()) {
    for (const value of (byName.get(name) ?? []).sort()) data += name + value;
  }
  return data;
}

/** base64(HMAC-SHA1(authToken, signed data)): Twilio's `X-Twilio-Signature`. */
export async function twilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    utf8(authToken),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, utf8(twilioSignedData(url, params)));
  return toBase64(mac);
}

/**
 * True when `header` is the signature Twilio would send for this URL and body. The comparison is
 * constant-time so a caller cannot learn the expected signature byte by byte from response times.
 */
export async function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  header: string | null | undefined,
): Promise<boolean> {
  if (!authToken || !header) return false;
  const expected = await twilioSignature(authToken, url, params);
  return timingSafeEqualText(expected, header.trim());
}
