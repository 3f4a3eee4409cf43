import { describe, expect, it } from "vitest";
import { call, expectError, json, signup } from "../helpers";
import { controlledEndpoint, publishEvent } from "../support/delivery";
import { createApiKey } from "../support/keys";
import { newReceiver } from "../support/receiver";

const eventIdsOf = async (response: Response): Promise<string[]> => {
  expect(response.status).toBe(200);
  return ((await json(response)).data as { event_id: string }[]).map((row) => row.event_id);
};

describe("the attempt log stays in the key's mode", () => {
  it("a test key sees only test attempts, a live key only live ones, the dashboard both", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    const { key: liveKey } = await createApiKey(admin, { environment: "production" });
    const live = await publishEvent(admin.accountId, "message.sent", true);
    const test = await publishEvent(admin.accountId, "message.sent", false);
    await endpoint.drain();

    const log = (auth: { bearer?: string; cookie?: string }, query = "") =>
      call(`/v1/webhooks/${endpoint.id}/deliveries${query}`, auth);
    expect(await eventIdsOf(await log({ bearer: testKey }))).toEqual([test.id]);
    expect(await eventIdsOf(await log({ bearer: liveKey }))).toEqual([live.id]);
    expect((await eventIdsOf(await log({ cookie: admin.cookie }))).sort()).toEqual(
      [live.id, test.id].sort(),
    );
    // Naming the other mode's event finds nothing, rather than its attempts.
    expect(await eventIdsOf(await log({ bearer: testKey }, `?event_id=${live.id}`))).toEqual([]);
    expect(await eventIdsOf(await log({ bearer: liveKey }, `?event_id=${test.id}`))).toEqual([]);
    // Delivery health counts the same rows: a key's own mode only, the dashboard's both.
    const stats = async (auth: { bearer?: string; cookie?: string }) =>
      (await json(await call(`/v1/webhooks/${endpoint.id}/stats`, auth))).attempts;
    expect(await stats({ bearer: testKey })).toBe(1);
    expect(await stats({ bearer: liveKey })).toBe(1);
    expect(await stats({ cookie: admin.cookie })).toBe(2);
    // The per-event view of the same attempts (GET /v1/events/{id}) is 404 across modes.
    await expectError(await call(`/v1/events/${live.id}`, { bearer: testKey }), 404, "not_found");
    await expectError(await call(`/v1/events/${test.id}`, { bearer: liveKey }), 404, "not_found");
    const own = await json(await call(`/v1/events/${test.id}`, { bearer: testKey }));
    expect(own.deliveries).toMatchObject([{ endpoint_id: endpoint.id, attempts: 1 }]);
  });

  it("pages of a key's log are full pages of its own mode (the filter runs before LIMIT)", async () => {
    const admin = await signup();
    const receiver = await newReceiver();
    const endpoint = await controlledEndpoint(admin, receiver.url, ["message.sent"]);
    const { key: testKey } = await createApiKey(admin, { environment: "test" });
    const tests = [];
    for (let i = 0; i < 3; i++) {
      tests.push(await publishEvent(admin.accountId, "message.sent", false));
      await publishEvent(admin.accountId, "message.sent", true);
    }
    await endpoint.drain();
    const first = await json(
      await call(`/v1/webhooks/${endpoint.id}/deliveries?limit=2`, { bearer: testKey }),
    );
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    const second = await json(
      await call(`/v1/webhooks/${endpoint.id}/deliveries?limit=2&cursor=${first.next_cursor}`, {
        bearer: testKey,
      }),
    );
    expect(second.data).toHaveLength(1);
    expect(second.has_more).toBe(false);
    const seen = [...first.data, ...second.data].map((row: { event_id: string }) => row.event_id);
    expect(seen.sort()).toEqual(tests.map((event) => event.id).sort());
  });
});
