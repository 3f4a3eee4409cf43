import { eq } from "drizzle-orm";
import type { WebhookEndpoint } from "../db/schema";
import { type Subscription, subscriptions } from "../storage/account/schema";
import type { LedgerDb } from "./db";

const UPSTREAM = "up:";
export const upstreamId = (parentAccountId: string) => `${UPSTREAM}${parentAccountId}`;
export const isUpstream = (endpointId: string) => endpointId.startsWith(UPSTREAM);
/** The parent account an upstream subscription forwards to. */
export const upstreamAccount = (endpointId: string) => endpointId.slice(UPSTREAM.length);

/**
 * The account's webhook subscriptions, held by the account object so that matching an event to
 * its endpoints reads nothing from D1. The control plane pushes every change (`upsert`,
 * `remove`); `reconcile` replaces the whole set from D1 now and then, so a push that was lost
 * heals. Snapshots are ordered by the endpoint's `updatedAt`: an older one never overwrites a
 * newer one, and a removal leaves a tombstone so a late, older push cannot bring an endpoint back.
 */
export class SubscriptionSet {
  #rows = new Map<string, Subscription>();

  constructor(private readonly db: LedgerDb) {
    for (const row of db.select().from(subscriptions).all()) this.#rows.set(row.endpointId, row);
  }

  /**
   * Where an event of `type` goes right now: the endpoints subscribed to it (for an event a
   * descendant forwarded, only those with `include_subaccounts`) and the parent account, which
   * takes every event.
   */
  matching(type: string, forwarded: boolean): string[] {
    const ids: string[] = [];
    for (const row of this.#rows.values()) {
      if (row.deletedAt !== null || !row.active) continue;
      if (isUpstream(row.endpointId)) ids.push(row.endpointId);
      else if (!row.events.includes(type)) continue;
      else if (!forwarded || (row.endpoint as WebhookEndpoint).includeSubaccounts === true)
        ids.push(row.endpointId);
    }
    return ids;
  }

  /**
   * The parent account as one more subscriber (SPEC §2): the fan-out that feeds endpoints also
   * forwards every event one level up, with the same cursor, batching and retries. Accounts
   * never move, so this is written once, when the sub-account is created.
   */
  setUpstream(parentAccountId: string, head: number): void {
    const endpointId = upstreamId(parentAccountId);
    if (this.#rows.get(endpointId)) return;
    this.#write({
      endpointId,
      endpoint: {},
      events: [],
      active: true,
      updatedAt: 0,
      cursor: head,
      failures: 0,
      retryAt: null,
      deletedAt: null,
    });
  }

  live(): Subscription[] {
    return [...this.#rows.values()].filter((row) => row.deletedAt === null);
  }

  get(endpointId: string): Subscription | undefined {
    const row = this.#rows.get(endpointId);
    return row?.deletedAt === null ? row : undefined;
  }

  /** A new endpoint starts at the current head: it receives events committed from now on. */
  upsert(endpoint: WebhookEndpoint, head: number): boolean {
    const current = this.#rows.get(endpoint.id);
    if (current && current.updatedAt > endpoint.updatedAt) return false;
    if (current?.deletedAt != null) return false;
    const row: Subscription = {
      endpointId: endpoint.id,
      endpoint,
      events: endpoint.events,
      active: endpoint.active,
      updatedAt: endpoint.updatedAt,
      cursor: current?.cursor ?? head,
      failures: current?.failures ?? 0,
      retryAt: null,
      deletedAt: null,
    };
    this.#write(row);
    return true;
  }

  remove(endpointId: string, at: number): void {
    const current = this.#rows.get(endpointId);
    this.#write({
      endpointId,
      endpoint: current?.endpoint ?? {},
      events: [],
      active: false,
      updatedAt: Math.max(at, current?.updatedAt ?? 0),
      cursor: current?.cursor ?? 0,
      failures: 0,
      retryAt: null,
      deletedAt: at,
    });
  }

  /** D1's list is the truth: missing endpoints become tombstones, changed ones are updated. */
  reconcile(endpoints: WebhookEndpoint[], head: number, now: number): void {
    const seen = new Set<string>();
    for (const endpoint of endpoints) {
      seen.add(endpoint.id);
      this.upsert(endpoint, head);
    }
    for (const row of this.live()) {
      if (!seen.has(row.endpointId) && !isUpstream(row.endpointId))
        this.remove(row.endpointId, now);
    }
  }

  advance(endpointId: string, cursor: number): void {
    const row = this.#rows.get(endpointId);
    if (!row || (row.cursor >= cursor && row.failures === 0)) return;
    this.#write({ ...row, cursor: Math.max(row.cursor, cursor), failures: 0, retryAt: null });
  }

  fail(endpointId: string, retryAt: number): void {
    const row = this.#rows.get(endpointId);
    if (row) this.#write({ ...row, failures: row.failures + 1, retryAt });
  }

  /** Tombstones older than this are forgotten (by then no older push is still in flight). */
  forgetTombstones(before: number): void {
    for (const row of this.#rows.values()) {
      if (row.deletedAt !== null && row.deletedAt < before) {
        this.db.delete(subscriptions).where(eq(subscriptions.endpointId, row.endpointId)).run();
        this.#rows.delete(row.endpointId);
      }
    }
  }

  #write(row: Subscription): void {
    this.db
      .insert(subscriptions)
      .values(row)
      .onConflictDoUpdate({ target: subscriptions.endpointId, set: row })
      .run();
    this.#rows.set(row.endpointId, row);
  }
}
