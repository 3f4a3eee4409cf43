import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WebhookEndpointObject } from "../../src/durable/webhook-endpoint";
import { httpMailer } from "../../src/notifications/mailer";
import { signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { newReceiver } from "../support/receiver";

describe("per-endpoint rate limit", () => {
  it("rate_limit_per_second caps how many attempts start in one second (token bucket)", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(
      admin,
      receiver.url,
      ["message.sent"],
      {},
      undefined,
      { rate_limit_per_second: 2 },
    );
    for (let i = 0; i < 5; i++) await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(2);
    endpoint.clock.advance(1_000);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(4);
    endpoint.clock.advance(1_000);
    await endpoint.drain();
    expect(await receiver.received()).toHaveLength(5);
    expect((await endpoint.stats()).pending_count).toBe(0);
  });
});

describe("failure emails", () => {
  it("mails the account's admins through the HTTP mail provider once per transition", async () => {
    const admin = await signup();
    const hook = await newReceiver({ statuses: [500] });
    const mailApi = await newReceiver({ statuses: [202] });
    const endpoint = await controlledEndpoint(admin, hook.url, ["message.sent"]);
    await runInDurableObject<WebhookEndpointObject, void>(endpoint.stub(), (instance) => {
      instance.mailer = httpMailer(mailApi.url, "mail-key", "Switchboard <alerts@example.com>");
    });
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    endpoint.clock.advance(3_600_000);
    await endpoint.drain();
    const mails = await mailApi.received();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.headers.authorization).toBe("Bearer mail-key");
    const mail = JSON.parse(mails[0]!.body);
    expect(mail).toMatchObject({
      from: "Switchboard <alerts@example.com>",
      to: [admin.email],
      subject: expect.stringMatching(/failing/),
    });
    expect(mail.text).toContain(hook.url);

    await hook.control({ statuses: [200] });
    endpoint.clock.advance(3_600_000);
    await endpoint.drain();
    const after = await mailApi.received();
    expect(after).toHaveLength(2);
    expect(JSON.parse(after[1]!.body).subject).toMatch(/recovered/);
  });

  it("a failing mail provider never blocks delivery or the dashboard notice", async () => {
    const admin = await signup();
    const hook = await newReceiver({ statuses: [500] });
    const endpoint = await controlledEndpoint(admin, hook.url, ["message.sent"]);
    await runInDurableObject<WebhookEndpointObject, void>(endpoint.stub(), (instance) => {
      instance.mailer = httpMailer("http://127.0.0.1:9/unreachable", undefined, "x@example.com");
    });
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    expect((await endpoint.stats()).status).toBe("failed");
  });
});

describe("endpoint retention", () => {
  it("drops delivered events and attempts older than RETENTION_DAYS, never pending ones", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"], {
      retentionDays: 1,
    });
    const delivered = await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    await receiver.control({ statuses: [500] });
    const pending = await publishEvent(admin.accountId, "message.sent");
    endpoint.clock.advance(2 * 86_400_000);
    await endpoint.drain();
    const states = await endpoint.stub().eventStates([delivered.id, pending.id]);
    expect(
      states.map((state: { eventId: string; state: string }) => [state.eventId, state.state]),
    ).toEqual([[pending.id, "pending"]]);
    const attempts = await endpoint.stub().deliveries(10);
    expect(attempts.every((attempt: { eventId: string }) => attempt.eventId === pending.id)).toBe(
      true,
    );
  });
});
