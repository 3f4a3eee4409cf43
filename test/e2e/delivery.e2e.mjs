// End-to-end: the real delivery pipeline behind `wrangler dev` (started by test/e2e/run.mjs, which
// passes BASE_URL) against a real loopback receiver that first answers 500, then 200.
// Timings are compressed by the runner: FAILED_RETRY_INTERVAL_MS=1000, RETRY_BASE_MS=200,
// ENDPOINT_MAX_IN_FLIGHT=1 (strict oldest-first order).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { newAccountWithTestKey, startReceiver, waitFor } from "./lib/api.mjs";

const BASE_URL = process.env.BASE_URL;
const EVENT_COUNT = 5;
const FAIL_WAIT_MS = 30_000;
const RECOVER_WAIT_MS = 30_000;

describe("delivery through wrangler dev: failure, hourly probe, recovery, ordered replay", () => {
  let receiver;
  let api;
  let endpoint;
  const published = [];

  before(async () => {
    assert.ok(BASE_URL, "BASE_URL must point at a running wrangler dev (use npm run test:e2e)");
    receiver = await startReceiver({ status: 500 });
    ({ api } = await newAccountWithTestKey(BASE_URL, "delivery"));
    const created = await api.post(
      "/v1/webhooks",
      { url: receiver.url, events: ["message.sent"], description: "e2e receiver" },
      { expect: 201 },
    );
    endpoint = created.body;
    assert.match(endpoint.id, /^we_/);
    assert.match(endpoint.secret, /^whsec_/);
    assert.equal(endpoint.status, "active");
    assert.equal(endpoint.pending_count, 0);
  });

  after(async () => {
    await receiver?.close();
  });

  const getEndpoint = async () => (await api.get(`/v1/webhooks/${endpoint.id}`)).body;
  const notifications = async () =>
    (await api.get("/v1/notifications?limit=100")).body.data.filter(
      (n) => n.endpoint_id === endpoint.id,
    );

  test("a receiver answering 500 fails the endpoint; events keep queueing", async () => {
    const pendingSeen = [];
    for (let i = 0; i < EVENT_COUNT; i++) {
      const { body: event } = await api.post(
        "/v1/test-helpers/events",
        { type: "message.sent" },
        { expect: 201 },
      );
      assert.match(event.id, /^evt_/);
      assert.equal(event.type, "message.sent");
      assert.equal(event.livemode, false);
      published.push(event);
      // Acknowledged means queued: the count includes this event at once.
      pendingSeen.push((await getEndpoint()).pending_count);
    }
    assert.deepEqual(
      pendingSeen,
      Array.from({ length: EVENT_COUNT }, (_, i) => i + 1),
      "pending_count grows by one per published event while nothing can be delivered",
    );

    const failed = await waitFor(
      async () => {
        const current = await getEndpoint();
        return current.status === "failed" ? current : null;
      },
      { timeoutMs: FAIL_WAIT_MS, what: "the endpoint to become failed" },
    );
    assert.equal(failed.pending_count, EVENT_COUNT);
    assert.match(failed.last_error ?? "", /500/);
    assert.ok(failed.last_failure_at, "last_failure_at is set");

    const failedNotice = await waitFor(
      async () => (await notifications()).find((n) => n.type === "endpoint.failed"),
      { timeoutMs: 10_000, what: "an endpoint.failed notification" },
    );
    assert.match(failedNotice.message, /127\.0\.0\.1/);

    // The failed endpoint keeps probing (every FAILED_RETRY_INTERVAL_MS = 1 s here)...
    await waitFor(() => receiver.received.length >= 2, {
      timeoutMs: 10_000,
      what: "a second attempt (the failed-endpoint probe)",
    });
    // ...but sending pauses: only the oldest event is ever re-sent.
    for (const hit of receiver.received) {
      assert.equal(hit.status, 500);
      assert.equal(hit.id, published[0].id, "a failed endpoint only probes with the oldest event");
    }
  });

  test("after the receiver recovers, the probe reactivates the endpoint and the backlog replays in order", async () => {
    assert.equal(published.length, EVENT_COUNT, "the failure step published its events");
    const failuresBefore = receiver.received.length;
    receiver.mode.status = 200;

    const recovered = await waitFor(
      async () => {
        const current = await getEndpoint();
        return current.status === "active" && current.pending_count === 0 ? current : null;
      },
      { timeoutMs: RECOVER_WAIT_MS, what: "the endpoint to recover and drain" },
    );
    assert.ok(recovered.last_success_at, "last_success_at is set");

    // Everything the receiver answered after the flip (the probe, then the replay) got a 200.
    const delivered = receiver.received.slice(failuresBefore);
    assert.ok(delivered.every((hit) => hit.status === 200));
    assert.deepEqual(
      delivered.map((hit) => hit.id),
      published.map((event) => event.id),
      "every event exactly once, in publication order",
    );

    const verifier = new Webhook(endpoint.secret);
    for (const [index, hit] of delivered.entries()) {
      assert.equal(hit.headers["webhook-id"], published[index].id);
      assert.doesNotThrow(
        () => verifier.verify(hit.body, hit.headers),
        `event ${index} verifies against the endpoint secret`,
      );
      const body = JSON.parse(hit.body);
      assert.equal(body.id, published[index].id);
      assert.equal(body.type, "message.sent");
      assert.equal(body.created_at, published[index].created_at);
    }
    // A tampered body must not verify (the check above is not vacuous).
    assert.throws(() => verifier.verify(`${delivered[0].body} `, delivered[0].headers));

    const recoveredNotice = await waitFor(
      async () => (await notifications()).find((n) => n.type === "endpoint.recovered"),
      { timeoutMs: 10_000, what: "an endpoint.recovered notification" },
    );
    assert.equal(recoveredNotice.endpoint_id, endpoint.id);

    // The attempt log tells the same story: 500s first, then one 200 per event.
    const attempts = (await api.get(`/v1/webhooks/${endpoint.id}/deliveries?limit=100`)).body.data;
    const ok = attempts.filter((a) => a.status_code === 200);
    assert.equal(ok.length, EVENT_COUNT);
    assert.ok(attempts.some((a) => a.status_code === 500 && a.outcome === "fatal"));
  });
});
