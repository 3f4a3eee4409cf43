import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AccountObject } from "../../src/durable/account-object";
import type { WebhookEndpointObject } from "../../src/durable/webhook-endpoint";
import { httpMailer } from "../../src/notifications/mailer";
import { call, json, signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { accountStub } from "../support/ledger";
import { newReceiver } from "../support/receiver";

const setCommitFault = (accountId: string, fault: (() => void) | undefined) =>
  runInDurableObject<AccountObject, void>(accountStub(accountId), (instance) => {
    instance.faults.inCommit = fault;
  });

describe("transition notices under faults", () => {
  it("a failing ledger write or mail provider delays only its own step; each is retried once, never duplicated", async () => {
    const admin = await signup();
    const hook = await newReceiver({ statuses: [500] });
    const mailApi = await newReceiver({ statuses: [503, 202] });
    const watcher = await newReceiver();
    const endpoint = await controlledEndpoint(admin, hook.url, ["message.sent"], {}, undefined, {
      max_in_flight: 2,
    });
    await runInDurableObject<WebhookEndpointObject, void>(endpoint.stub(), (instance) => {
      instance.mailer = httpMailer(mailApi.url, undefined, "alerts@example.com");
    });
    const other = await controlledEndpoint(admin, watcher.url, ["endpoint.failed"]);
    await publishEvent(admin.accountId, "message.sent");
    await publishEvent(admin.accountId, "message.sent");

    await setCommitFault(admin.accountId, () => {
      throw new Error("injected: ledger commit fails");
    });
    await endpoint.drain();
    // Both sends went out and were recorded although the operational event could not commit.
    expect(await hook.received()).toHaveLength(2);
    expect((await endpoint.stub().deliveries(10)).length).toBe(2);
    expect(await endpoint.stats()).toMatchObject({ status: "failed", pending_count: 2 });
    const notices = async () =>
      (await json(await call("/v1/notifications", { cookie: admin.cookie }))).data;
    expect(await notices()).toHaveLength(1);
    expect(await mailApi.received()).toHaveLength(1); // answered 503: to be retried

    await setCommitFault(admin.accountId, undefined);
    await other.drain();
    expect(await watcher.received()).toHaveLength(0);

    // The notice's retry (the object's alarm) finishes the steps that failed, and only those.
    endpoint.clock.advance(5_000);
    await endpoint.drain();
    endpoint.clock.advance(60_000);
    await endpoint.drain();
    await other.drain();
    const events = (await watcher.received()).map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.type)).toEqual(["endpoint.failed"]);
    expect(events[0].data).toMatchObject({ endpoint_id: endpoint.id, status: "failed" });
    expect(await notices()).toHaveLength(1);
    expect((await mailApi.received()).length).toBe(2);
    expect(await hook.received()).toHaveLength(2);
  });
});
