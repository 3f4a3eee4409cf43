import { describe, expect, it } from "vitest";
import { call, expectError, json, signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { createApiKey } from "../support/keys";
import { newReceiver } from "../support/receiver";

describe("replay and redelivery stay in the key's mode", () => {
  it("a test key replays and redelivers only test events; the dashboard reaches both", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    const since = new Date(Date.now() - 60_000).toISOString();
    const live = await publishEvent(admin.accountId, "message.sent", true);
    const test = await publishEvent(admin.accountId, "message.sent", false);
    await endpoint.drain();

    const replay = (auth: { bearer?: string; cookie?: string }) =>
      call(`/v1/webhooks/${endpoint.id}/replay`, { ...auth, body: { since } });
    expect(await json(await replay({ bearer: testKey }))).toMatchObject({ replayed: 1 });
    // Still pending, the test event is not queued (or counted) twice.
    expect(await json(await replay({ cookie: admin.cookie }))).toMatchObject({ replayed: 1 });
    await endpoint.drain();
    expect(await json(await replay({ cookie: admin.cookie }))).toMatchObject({ replayed: 2 });

    await expectError(
      await call(`/v1/events/${live.id}/redeliver`, { bearer: testKey, body: {} }),
      404,
    );
    const redelivered = await call(`/v1/events/${test.id}/redeliver`, {
      bearer: testKey,
      body: {},
    });
    expect(redelivered.status).toBe(202);
    expect((await json(redelivered)).endpoint_ids).toEqual([endpoint.id]);
  });
});
