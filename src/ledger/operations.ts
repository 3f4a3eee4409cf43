import type { Scope } from "../auth/scopes";
import { ApiError, notFound } from "../errors";
import { EVENT_CATALOG, type EventType } from "../events/catalog";
import { toPage } from "../lib/pagination";
import { callResource, contactResource, messageResource } from "../messaging/resources";
import type { Call, LedgerEvent, Message } from "../storage/account/schema";
import { getCall, listCalls, queueCall } from "./calls";
import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  setOptOut,
  updateContact,
} from "./contacts";
import type { LedgerContext } from "./context";
import type { CarrierName } from "./messages";
import { getMessage, listMessages, queueMessage, receiveInbound } from "./messages";
import { senderFor } from "./numbers";
import { findEvent, listEvents } from "./outbox";
import { isUpstream } from "./subscriptions";

/** How an operation answered: the HTTP status and the JSON body the route sends as it is. */
export interface OpResult {
  status: number;
  body: unknown;
}

export interface OpEnv extends LedgerContext {
  carrier: CarrierName;
  /** Sessions see both modes where a listing allows it (the dashboard's event log). */
  bothModes: boolean;
  credentialKind: "api_key" | "session" | "delegated";
}

interface Page {
  limit: number;
  cursor?: string | undefined;
}

const envelopeOf = (event: LedgerEvent) => JSON.parse(event.payload) as Record<string, unknown>;

/** Test helpers: test-mode keys only; the dashboard may publish sample events (as test data). */
const testOnly = (env: OpEnv, allowSession: boolean) => {
  const allowed = env.credentialKind === "session" ? allowSession : !env.livemode;
  if (!allowed) {
    throw new ApiError("test_mode_only", "Test helpers need a test-mode key (sk_test_…).");
  }
};

/**
 * Every operation the account object runs for the API: the scope it needs, whether it changes
 * state (then it runs in one transaction with its events and its idempotency record) and what it
 * does. Inputs are the routes' validated bodies and queries, so they are plain data over RPC.
 */
export const OPERATIONS = {
  sendMessage: {
    scope: "messages:write",
    writes: true,
    run: (
      env: OpEnv,
      input: { to: string; body: string; from?: string; custom_id?: string },
    ): OpResult => ({
      status: 202,
      body: messageResource(
        queueMessage(env, env.carrier, {
          to: input.to,
          body: input.body,
          from: input.from,
          customId: input.custom_id,
        }),
      ),
    }),
  },
  listMessages: {
    scope: "messages:read",
    writes: false,
    run: (
      env: OpEnv,
      input: Page & {
        status?: Message["status"];
        direction?: Message["direction"];
        contact_id?: string;
      },
    ): OpResult => ({
      status: 200,
      body: toPage(
        listMessages(
          env.db,
          env.livemode,
          { status: input.status, direction: input.direction, contactId: input.contact_id },
          input.limit,
          input.cursor,
        ),
        input.limit,
        messageResource,
      ),
    }),
  },
  getMessage: {
    scope: "messages:read",
    writes: false,
    run: (env: OpEnv, input: { id: string }): OpResult => ({
      status: 200,
      body: messageResource(getMessage(env.db, env.livemode, input.id)),
    }),
  },
  startCall: {
    scope: "calls:write",
    writes: true,
    run: (env: OpEnv, input: { to: string; from?: string }): OpResult => ({
      status: 202,
      body: callResource(queueCall(env, env.carrier, input)),
    }),
  },
  listCalls: {
    scope: "calls:read",
    writes: false,
    run: (env: OpEnv, input: Page & { status?: Call["status"] }): OpResult => ({
      status: 200,
      body: toPage(
        listCalls(env.db, env.livemode, { status: input.status }, input.limit, input.cursor),
        input.limit,
        callResource,
      ),
    }),
  },
  getCall: {
    scope: "calls:read",
    writes: false,
    run: (env: OpEnv, input: { id: string }): OpResult => ({
      status: 200,
      body: callResource(getCall(env.db, env.livemode, input.id)),
    }),
  },
  createContact: {
    scope: "contacts:write",
    writes: true,
    run: (
      env: OpEnv,
      input: { phone: string; name?: string | null; tags?: string[] },
    ): OpResult => ({ status: 201, body: contactResource(createContact(env, input)) }),
  },
  listContacts: {
    scope: "contacts:read",
    writes: false,
    run: (env: OpEnv, input: Page & { tag?: string; opted_out?: boolean }): OpResult => ({
      status: 200,
      body: toPage(
        listContacts(env.db, env.livemode, input, input.limit, input.cursor),
        input.limit,
        contactResource,
      ),
    }),
  },
  getContact: {
    scope: "contacts:read",
    writes: false,
    run: (env: OpEnv, input: { id: string }): OpResult => ({
      status: 200,
      body: contactResource(getContact(env.db, env.livemode, input.id)),
    }),
  },
  updateContact: {
    scope: "contacts:write",
    writes: true,
    run: (
      env: OpEnv,
      input: { id: string; patch: { phone?: string; name?: string | null; tags?: string[] } },
    ): OpResult => ({
      status: 200,
      body: contactResource(updateContact(env, input.id, input.patch)),
    }),
  },
  deleteContact: {
    scope: "contacts:write",
    writes: true,
    run: (env: OpEnv, input: { id: string }): OpResult => ({
      status: 200,
      body: { id: deleteContact(env, input.id).id, deleted: true },
    }),
  },
  setOptOut: {
    scope: "contacts:write",
    writes: true,
    run: (env: OpEnv, input: { id: string; optedOut: boolean }): OpResult => ({
      status: 200,
      body: contactResource(
        setOptOut(env, getContact(env.db, env.livemode, input.id), input.optedOut),
      ),
    }),
  },
  simulateInbound: {
    scope: "messages:write",
    writes: true,
    run: (env: OpEnv, input: { from: string; to?: string; body: string }): OpResult => {
      testOnly(env, false);
      // The test network, like the real one, only delivers to a number this account owns.
      const message = receiveInbound(env, {
        from: input.from,
        to: senderFor(env, input.to),
        body: input.body,
        carrier: "simulated",
      });
      return { status: 201, body: messageResource(message) };
    },
  },
  publishTestEvent: {
    scope: "webhooks:write",
    writes: true,
    run: (env: OpEnv, input: { type: EventType; data?: Record<string, unknown> }): OpResult => {
      testOnly(env, true);
      const sample = EVENT_CATALOG[input.type].sample({ now: env.now }) as Record<string, unknown>;
      return { status: 201, body: env.emit(input.type, { ...sample, ...input.data }) };
    },
  },
  listEvents: {
    scope: "events:read",
    writes: false,
    run: (env: OpEnv, input: Page & { type?: string }): OpResult => ({
      status: 200,
      body: toPage(
        listEvents(
          env.db,
          { type: input.type, livemode: env.bothModes ? undefined : env.livemode },
          input.limit,
          input.cursor,
        ),
        input.limit,
        envelopeOf,
      ),
    }),
  },
  getEvent: {
    scope: "events:read",
    writes: false,
    run: (env: OpEnv, input: { id: string }): OpResult => {
      const event = findEvent(env.db, input.id);
      if (!event || (!env.bothModes && event.livemode !== env.livemode)) throw notFound("event");
      // The parent account is a subscriber of the outbox (forwarding), not an endpoint with a
      // delivery state: only real endpoints are reported.
      const endpointIds = event.endpointIds.filter((id) => !isUpstream(id));
      return { status: 200, body: { ...envelopeOf(event), endpoint_ids: endpointIds } };
    },
  },
} satisfies Record<
  string,
  { scope: Scope; writes: boolean; run: (env: OpEnv, input: never) => OpResult }
>;

export type OpName = keyof typeof OPERATIONS;
export type OpInput<N extends OpName> = Parameters<(typeof OPERATIONS)[N]["run"]>[1];
