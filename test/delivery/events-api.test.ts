import { describe, expect, it } from "vitest";
import { call, expectError, json, signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { createApiKey } from "../support/keys";
import { newReceiver } from "../support/receiver";

describe("events API, replay and redeliver", () => {
  it("lists events and shows one with its delivery status per endpoint", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.delivered"]);
    const event = await publishEvent(admin.accountId, "message.delivered");
    await endpoint.drain();

    const { key } = await createApiKey(admin, { scopes: ["events:read"] });
    const list = await json(await call("/v1/events", { bearer: key }));
    expect(list.data.map((e: { id: string }) => e.id)).toEqual([event.id]);
    expect(list.data[0]).toEqual(event);

    const shown = await json(await call(`/v1/events/${event.id}`, { bearer: key }));
    expect(shown.deliveries).toEqual([
      {
        endpoint_id: endpoint.id,
        state: "delivered",
        attempts: 1,
        last_attempt_at: expect.any(String),
        last_status_code: 200,
        last_error: null,
      },
    ]);
    const filtered = await json(await call("/v1/events?type=contact.created", { bearer: key }));
    expect(filtered.data).toEqual([]);
  });

  it("test keys see only test events, live keys only live ones", async () => {
    const admin = await signup();
    const live = await publishEvent(admin.accountId, "message.sent", true);
    const test = await publishEvent(admin.accountId, "message.sent", false);
    const { key: liveKey } = await createApiKey(admin, { environment: "production" });
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    expect(
      (await json(await call("/v1/events", { bearer: liveKey }))).data.map(
        (e: { id: string }) => e.id,
      ),
    ).toEqual([live.id]);
    expect(
      (await json(await call("/v1/events", { bearer: testKey }))).data.map(
        (e: { id: string }) => e.id,
      ),
    ).toEqual([test.id]);
    await expectError(await call(`/v1/events/${live.id}`, { bearer: testKey }), 404);
    expect((await json(await call("/v1/events", { cookie: admin.cookie }))).data).toHaveLength(2);
  });

  it("redelivers one event to one endpoint, or to every endpoint it went to", async () => {
    const admin = await signup();
    const first = await newReceiver();
    const second = await newReceiver();
    const a = await controlledEndpoint(admin, first.url, ["contact.created"]);
    const b = await controlledEndpoint(admin, second.url, ["contact.created"]);
    const event = await publishEvent(admin.accountId, "contact.created");
    await a.drain();
    await b.drain();

    const one = await call(`/v1/events/${event.id}/redeliver`, {
      cookie: admin.cookie,
      body: { endpoint_id: a.id },
    });
    expect(one.status).toBe(202);
    expect(await json(one)).toEqual({ event_id: event.id, endpoint_ids: [a.id] });
    await a.drain();
    await b.drain();
    expect(await first.received()).toHaveLength(2);
    expect(await second.received()).toHaveLength(1);

    const all = await json(
      await call(`/v1/events/${event.id}/redeliver`, { cookie: admin.cookie, body: {} }),
    );
    expect(all.endpoint_ids.sort()).toEqual([a.id, b.id].sort());
    await a.drain();
    await b.drain();
    expect(await second.received()).toHaveLength(2);
    const bodies = new Set(
      [...(await first.received()), ...(await second.received())].map(
        (r) => r.headers["webhook-id"],
      ),
    );
    expect(bodies).toEqual(new Set([event.id]));

    await expectError(
      await call(`/v1/events/${event.id}/redeliver`, {
        cookie: admin.cookie,
        body: { endpoint_id: "we_nope" },
      }),
      404,
    );
    await expectError(
      await call("/v1/events/evt_nope/redeliver", { cookie: admin.cookie, body: {} }),
      404,
    );
  });

  it("replays only subscribed events since a time, oldest first", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const sent = [
      await publishEvent(admin.accountId, "message.sent"),
      await publishEvent(admin.accountId, "message.sent"),
    ];
    await publishEvent(admin.accountId, "contact.created");
    await endpoint.drain();
    const replay = await call(`/v1/webhooks/${endpoint.id}/replay`, {
      cookie: admin.cookie,
      body: { since: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(replay.status).toBe(202);
    expect(await json(replay)).toEqual({ replayed: 2, has_more: false });
    await endpoint.drain();
    expect((await receiver.received()).map((r) => r.headers["webhook-id"])).toEqual(
      [...sent, ...sent].map((e) => e.id),
    );
    const future = await json(
      await call(`/v1/webhooks/${endpoint.id}/replay`, {
        cookie: admin.cookie,
        body: { since: new Date(Date.now() + 60_000).toISOString() },
      }),
    );
    expect(future.replayed).toBe(0);
    await expectError(
      await call(`/v1/webhooks/${endpoint.id}/replay`, {
        cookie: admin.cookie,
        body: { since: "yesterday" },
      }),
      422,
    );
  });

  it("the test helper publishes through the real pipeline for test keys only", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["contact.tag_changed"]);
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    const { key: liveKey } = await createApiKey(admin, { environment: "production" });
    const published = await call("/v1/test-helpers/events", {
      bearer: testKey,
      body: { type: "contact.tag_changed" },
    });
    expect(published.status).toBe(201);
    const event = await json(published);
    expect(event).toMatchObject({
      type: "contact.tag_changed",
      livemode: false,
      account_id: admin.accountId,
    });
    await endpoint.drain();
    const [delivery] = await receiver.received();
    expect(JSON.parse(delivery!.body)).toEqual(event);
    await expectError(
      await call("/v1/test-helpers/events", { bearer: liveKey, body: { type: "message.sent" } }),
      403,
      "test_mode_only",
    );
  });

  it("lists attempts newest first with paging", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [504, 200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    endpoint.clock.advance(10_000);
    await endpoint.drain();
    const page = await json(
      await call(`/v1/webhooks/${endpoint.id}/deliveries?limit=1`, { cookie: admin.cookie }),
    );
    expect(page.data).toHaveLength(1);
    expect(page.has_more).toBe(true);
    expect(page.data[0]).toMatchObject({
      attempt: 2,
      outcome: "delivered",
      status_code: 200,
      response_excerpt: "status 200",
    });
    const next = await json(
      await call(`/v1/webhooks/${endpoint.id}/deliveries?limit=1&cursor=${page.next_cursor}`, {
        cookie: admin.cookie,
      }),
    );
    expect(next.data[0]).toMatchObject({
      attempt: 1,
      outcome: "transient",
      status_code: 504,
      error: "HTTP 504",
    });
    expect(next.has_more).toBe(false);
  });

  // Found by the fuzzer (test/fuzz): `event_id=` (empty) dropped the filter but kept its SQL
  // argument, and the endpoint object's query failed with "wrong number of bindings": a 500.
  it("an empty event_id filters nothing (was a 500)", async () => {
    const admin = await signup();
    const receiver = await newReceiver({ statuses: [200] });
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const event = await publishEvent(admin.accountId, "message.sent");
    await endpoint.drain();
    for (const query of ["event_id=", "event_id=&limit=5"]) {
      const response = await call(`/v1/webhooks/${endpoint.id}/deliveries?${query}`, {
        cookie: admin.cookie,
      });
      expect([query, response.status]).toEqual([query, 200]);
      const page = await json(response);
      expect(page.data.map((row: { event_id: string }) => row.event_id)).toEqual([event.id]);
    }
    const none = await json(
      await call(`/v1/webhooks/${endpoint.id}/deliveries?event_id=evt_none`, {
        cookie: admin.cookie,
      }),
    );
    expect(none.data).toEqual([]);
  });
});
