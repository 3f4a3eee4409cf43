import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  twilioSignature,
  twilioSignedData,
  verifyTwilioSignature,
} from "../../src/carrier/twilio-signature";

// Twilio's documented example request (security docs and its helper libraries' tests).
const TOKEN = "12345";
const URL_CALLED = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS: [string, string][] = [
  ["Digits", "1234"],
  ["To", "+18005551212"],
  ["From", "+14158675310"],
  ["Caller", "+14158675310"],
  ["CallSid", "CA1234567890ABCDE"],
];

/** An independent implementation with node:crypto, written from Twilio's description. */
function reference(token: string, url: string, params: [string, string][]): string {
  const sorted = [...params].sort(([a, av], [b, bv]) =>
    a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1,
  );
  const data = url + sorted.map(([name, value]) => name + value).join("");
  return createHmac("sha1", token).update(data, "utf8").digest("base64");
}

describe("Twilio request signatures", () => {
  it("signs the URL followed by the sorted name+value pairs", async () => {
    expect(twilioSignedData(URL_CALLED, PARAMS)).toBe(
      `${URL_CALLED}CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212`,
    );
    const expected = reference(TOKEN, URL_CALLED, PARAMS);
    expect(await twilioSignature(TOKEN, URL_CALLED, PARAMS)).toBe(expected);
    // The value Twilio's documentation gives for this request.
    expect(expected).toBe("GvWf1cFY/Q7PnoempGyD5oXAezc=");
  });

  it("verifies the right signature and refuses anything else", async () => {
    const good = reference(TOKEN, URL_CALLED, PARAMS);
    expect(await verifyTwilioSignature(TOKEN, URL_CALLED, PARAMS, good)).toBe(true);
    // Parameter order on the wire does not matter.
    expect(await verifyTwilioSignature(TOKEN, URL_CALLED, [...PARAMS].reverse(), good)).toBe(true);

    expect(await verifyTwilioSignature("wrong", URL_CALLED, PARAMS, good)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, `${URL_CALLED}&x=1`, PARAMS, good)).toBe(false);
    const tampered: [string, string][] = PARAMS.map(([n, v]) => [n, n === "Digits" ? "9999" : v]);
    expect(await verifyTwilioSignature(TOKEN, URL_CALLED, tampered, good)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_CALLED, PARAMS, `${good}x`)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_CALLED, PARAMS, good.slice(0, -2))).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_CALLED, PARAMS, "")).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, URL_CALLED, PARAMS, null)).toBe(false);
    expect(await verifyTwilioSignature("", URL_CALLED, PARAMS, good)).toBe(false);
  });

  it("handles repeated names, an empty body and non-ASCII values like Twilio's libraries", async () => {
    const repeated: [string, string][] = [
      ["MediaUrl", "https://b.example/2"],
      ["Body", "héllo ✓"],
      ["MediaUrl", "https://a.example/1"],
    ];
    expect(twilioSignedData("https://x.test/in", repeated)).toBe(
      "https://x.test/inBodyhéllo ✓MediaUrlhttps://a.example/1MediaUrlhttps://b.example/2",
    );
    const signature = reference(TOKEN, "https://x.test/in", repeated);
    expect(await verifyTwilioSignature(TOKEN, "https://x.test/in", repeated, signature)).toBe(true);

    const empty = reference(TOKEN, "https://x.test/in", []);
    expect(await verifyTwilioSignature(TOKEN, "https://x.test/in", [], empty)).toBe(true);
    // URLSearchParams (what the callback routes pass) decodes + and %XX before signing.
    const form = new URLSearchParams(
      "Body=h%C3%A9llo+%E2%9C%93&MediaUrl=https%3A%2F%2Fa.example%2F1",
    );
    const decoded = reference(TOKEN, "https://x.test/in", [
      ["Body", "héllo ✓"],
      ["MediaUrl", "https://a.example/1"],
    ]);
    expect(await verifyTwilioSignature(TOKEN, "https://x.test/in", form, decoded)).toBe(true);
  });
});
