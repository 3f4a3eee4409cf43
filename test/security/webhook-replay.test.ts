import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { newReceiver } from "../support/receiver";

/**
 * Replayed webhooks: every attempt is signed over `{id}.{timestamp}.{body}` with the time of that
 * attempt, so a receiver that enforces Standard Webhooks' 5-minute tolerance refuses a captured
 * request replayed later, while our own retries (new timestamp, same id) still verify and can be
 * de-duplicated on `webhook-id`.
 */
afterEach(() => {
  vi.useRealTimers();
});

const headersOf = (request: { headers: Record<string, string> }) => ({
  "webhook-id": request.headers["webhook-id"] ?? "",
  "webhook-timestamp": request.headers["webhook-timestamp"] ?? "",
  "webhook-signature": request.headers["webhook-signature"] ?? "",
});

describe("replayed webhooks", () => {
  it("each attempt is signed at its own time; a capture replayed after the tolerance is refused", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [504, 200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"], {
      retryBaseMs: 5_000,
    });
    const event = await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    endpoint.clock.advance(5_000);
    await endpoint.drain();
    const [first, retry] = await receiver.received();
    expect(first && retry).toBeTruthy();
    if (!first || !retry) return;
    // Same id (dedupe key), new timestamp and so a new signature on the retry.
    expect(retry.headers["webhook-id"]).toBe(event.id);
    expect(first.headers["webhook-id"]).toBe(event.id);
    expect(Number(retry.headers["webhook-timestamp"])).toBe(
      Number(first.headers["webhook-timestamp"]) + 5,
    );
    expect(retry.headers["webhook-signature"]).not.toBe(first.headers["webhook-signature"]);

    const webhook = new Webhook(endpoint.secret);
    const sentAt = Number(retry.headers["webhook-timestamp"]) * 1000;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(sentAt + 10_000);
    expect(() => webhook.verify(retry.body, headersOf(retry))).not.toThrow();
    // Replayed six minutes later: outside the tolerance, refused by the receiver's library.
    vi.setSystemTime(sentAt + 6 * 60_000);
    expect(() => webhook.verify(retry.body, headersOf(retry))).toThrow(/timestamp/i);
    // A replay with a refreshed timestamp but the old signature does not verify either.
    const refreshed = {
      ...headersOf(retry),
      "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
    };
    expect(() => webhook.verify(retry.body, refreshed)).toThrow();
  });
});

describe("SSRF through redirects", () => {
  it("a receiver's redirect is never followed: the target gets nothing and the attempt fails", async () => {
    const admin = await signup();
    const internal = await newReceiver({ statuses: [200] });
    const redirecting = await newReceiver({ statuses: [302], headers: { location: internal.url } });
    const endpoint = await controlledEndpoint(admin, redirecting.url, ["message.sent"]);
    const event = await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect(await redirecting.received()).toHaveLength(1);
    expect(await internal.received()).toHaveLength(0);
    const [attempt] = await endpoint.stub().deliveries(10);
    expect(attempt).toMatchObject({ eventId: event.id, statusCode: 302 });
    // A 3xx is a fatal answer (seed 003: any non-2xx other than 504/408/429), never delivered.
    expect(attempt?.outcome).toBe("fatal");
  });
});
