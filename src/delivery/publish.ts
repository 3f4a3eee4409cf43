import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { endpointObject } from "../durable/webhook-endpoint";
import { buildEnvelope, type EventEnvelope, type EventType } from "../events/catalog";
import type { Services } from "../services";
import { insertEvent } from "./events-store";

export interface PublishDeps {
  db: Database;
  env: Env;
  services: Services;
}

export interface PublishInput {
  accountId: string;
  type: EventType;
  data: unknown;
  livemode: boolean;
}

/**
 * The one way events enter the system. The event is stored, then written into the queue of every
 * active endpoint subscribed to its type; only when every queue holds it does this return. A crash
 * before that leaves the producer without an acknowledgement (it may publish again: at least
 * once); after it, each endpoint's object owns a durable copy and delivery cannot be lost.
 */
export async function publish(deps: PublishDeps, input: PublishInput): Promise<EventEnvelope> {
  const now = deps.services.clock.now();
  const envelope = buildEnvelope({
    id: deps.services.ids.next("evt"),
    type: input.type,
    createdAt: now,
    accountId: input.accountId,
    livemode: input.livemode,
    data: input.data,
  });
  const payload = JSON.stringify(envelope);
  const endpoints = (
    await deps.db
      .select()
      .from(webhookEndpoints)
      .where(
        and(eq(webhookEndpoints.accountId, input.accountId), eq(webhookEndpoints.active, true)),
      )
  ).filter((endpoint) => endpoint.events.includes(input.type));
  await insertEvent(deps.db, {
    id: envelope.id,
    accountId: input.accountId,
    type: input.type,
    livemode: input.livemode,
    payload,
    endpointIds: endpoints.map((endpoint) => endpoint.id),
    createdAt: now,
  });
  const queued = { eventId: envelope.id, type: input.type, payload, createdAt: now };
  await Promise.all(
    endpoints.map((endpoint) => endpointObject(deps.env, endpoint.id).enqueue(endpoint, [queued])),
  );
  return envelope;
}
