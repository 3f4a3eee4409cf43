import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { carrierFor, carrierNameFor } from "../carrier/select";
import type { Carrier } from "../carrier/types";
import { type Config, readConfig } from "../config";
import { database } from "../db/client";
import { type WebhookEndpoint, webhookEndpoints } from "../db/schema";
import type { QueuedEvent } from "../delivery/queue";
import type { EventType } from "../events/catalog";
import type { EndpointHealthData, OperationalEventType } from "../events/operational";
import { type AuthorityKey, type AuthorizeResult, KeyAuthority } from "../ledger/authority";
import { attachRecording, completeCall as completeCallIn, reportCallStatus } from "../ledger/calls";
import type { LedgerContext } from "../ledger/context";
import { type LedgerDb, openLedgerDb } from "../ledger/db";
import type { EndpointQueue } from "../ledger/dispatch";
import { type Acting, executeOperation } from "../ledger/execute";
import { nextTaskAt } from "../ledger/handoff";
import {
  applyReceipt as applyReceiptIn,
  receiveInbound as receiveInboundIn,
} from "../ledger/messages";
import { addOwnedNumber, ownsNumber, removeOwnedNumber } from "../ledger/numbers";
import type { OpEnv, OpName } from "../ledger/operations";
import { appendEvent, appendForwarded, eventsSince, findEvent, headSeq } from "../ledger/outbox";
import { metaString, setMeta } from "../ledger/profile";
import type { LedgerRequest, LedgerResponse } from "../ledger/protocol";
import { fanOut, type PumpHost, refreshSubscriptions, runHandoffs } from "../ledger/pump";
import { RETENTION_SWEEP_MS, sweep } from "../ledger/retention";
import { nextAlarmAt } from "../ledger/schedule";
import { isUpstream, SubscriptionSet, upstreamAccount } from "../ledger/subscriptions";
import type { FinalCallStatus, Receipt } from "../messaging/transitions";
import { type Clock, systemClock, timeOrderedIds } from "../services";
import type { OwnedNumber } from "../storage/account/schema";
import { meta } from "../storage/account/schema";
import type { SimulatedOutcome } from "./carrier-simulator";
import { accountObject, endpointObject } from "./stubs";

/** last_used_at is aggregated in memory and written to D1 at most this often. */
export const LAST_USED_FLUSH_MS = 60_000;
/** D1's endpoint list replaces the pushed subscriptions this often while events flow. */
export const SUBSCRIPTION_REFRESH_MS = 5 * 60_000;
/** The alarm that guarantees a committed outbox row is handed over even if the object dies. */
const OUTBOX_SAFETY_MS = 2_000;
/** One pump run (hand-offs + fan-out rounds) stops after this long and re-arms. */
const PUMP_BUDGET_MS = 5_000;
const TOMBSTONE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One object per account (SPEC §11): the key authority, the account's messages, calls, contacts,
 * events with their outbox and idempotency records, in its own SQLite through drizzle. Every
 * change commits with its events in one storage transaction; after the answer, the pump hands
 * carrier tasks over and fans new events out to the subscribed endpoint objects, and the alarm
 * retries whatever did not finish. Storage is documented in docs/storage.md.
 */
export class AccountObject extends DurableObject<Env> {
  /** Seams for tests (instance fields are not reachable over RPC). */
  clock: Clock = systemClock;
  settings: Config;
  /** Tests switch the after-commit pump off to inject failures between commit and fan-out. */
  autoPump = true;
  /** Tests point the carrier at a fake (Twilio settings) without changing the whole suite's env. */
  envOverrides: Record<string, unknown> = {};
  /** Fault injection for tests: each runs where its name says and may throw. */
  faults: {
    /** Inside every commit's transaction, after the change: a throw rolls the whole commit back. */
    inCommit?: () => void;
    /** In place of the endpoint objects during fan-out. */
    endpointQueue?: (endpointId: string) => EndpointQueue;
    /** In place of the carrier during hand-off. */
    carrier?: (livemode: boolean) => Carrier;
  } = {};

  #db!: LedgerDb;
  #keys!: KeyAuthority;
  #subscriptions!: SubscriptionSet;
  #accountId: string | null = null;
  #parentAccountId: string | null = null;
  #head = 0;
  #pump: Promise<void> | null = null;
  #pumpAgain = false;
  #alarmAt: number | null | undefined = undefined;
  #lastSweepAt = 0;
  #lastRefreshAt = 0;
  #appendedSinceRefresh = false;
  /** When unflushed last-use times are written to D1 (null: nothing pending). */
  #flushDueAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.settings = readConfig(env);
    ctx.blockConcurrencyWhile(async () => {
      this.#db = openLedgerDb(ctx.storage);
      this.#keys = new KeyAuthority(this.#db);
      this.#subscriptions = new SubscriptionSet(this.#db);
      this.#head = headSeq(this.#db);
      const account = this.#db.select().from(meta).where(eq(meta.key, "account_id")).get();
      this.#accountId = typeof account?.value === "string" ? account.value : null;
      this.#parentAccountId = metaString(this.#db, "parent_account_id");
      this.#alarmAt = await ctx.storage.getAlarm();
      // Outbox rows or tasks left by a process that died mid-alarm must not wait for the next
      // request: whoever wakes the object re-arms it.
      if (this.#alarmAt === null) await this.#arm();
    });
  }

  // ---- the API: one call per request, authentication included ----

  async execute<N extends OpName>(request: LedgerRequest<N>): Promise<LedgerResponse> {
    this.#bind(request.accountId);
    const answer = executeOperation(
      {
        db: this.#db,
        keys: this.#keys,
        commit: (change) => this.#commit(change),
        opEnv: (acting, req) => this.#opEnv(acting, req),
      },
      request as LedgerRequest<OpName>,
    );
    // A key's first use since the last flush arms the alarm that writes last_used_at to D1.
    if (this.#flushDueAt === null && this.#keys.hasUnflushedUse()) await this.#arm();
    return answer;
  }

  /** For routes that are not ledger operations (they still need the key checked). */
  async authorize(
    keyId: string,
    hash: string,
    now: number,
    limitPerMinute: number,
  ): Promise<AuthorizeResult> {
    const verdict = this.#keys.authorize(keyId, hash, now, limitPerMinute);
    if (verdict.ok && this.#flushDueAt === null) await this.#arm();
    return verdict;
  }

  // ---- carriers calling back (the worker verified them) ----

  async applyReceipt(
    accountId: string,
    livemode: boolean,
    messageId: string,
    receipt: Receipt,
    now: number,
  ) {
    this.#bind(accountId);
    return this.#commit(
      () => applyReceiptIn(this.#context(livemode, now), messageId, receipt) !== null,
    );
  }

  async completeCall(
    accountId: string,
    livemode: boolean,
    callId: string,
    outcome: { status: FinalCallStatus; durationSeconds: number; recordingUrl: string | null },
    now: number,
  ) {
    this.#bind(accountId);
    return this.#commit(
      () => completeCallIn(this.#context(livemode, now), callId, outcome) !== null,
    );
  }

  /** The simulated network's receipts and call completions, many at once, in one transaction. */
  async applyOutcomes(
    accountId: string,
    livemode: boolean,
    outcomes: { targetId: string; outcome: SimulatedOutcome }[],
    now: number,
  ): Promise<number> {
    this.#bind(accountId);
    return this.#commit(() => {
      const context = this.#context(livemode, now);
      let changed = 0;
      for (const { targetId, outcome } of outcomes) {
        const applied =
          outcome.kind === "message"
            ? applyReceiptIn(context, targetId, outcome)
            : completeCallIn(context, targetId, outcome);
        if (applied) changed++;
      }
      return changed;
    });
  }

  /** Twilio's final status; a completed call may wait for its recording (RECORDING_WAIT_MS). */
  async reportCallStatus(
    accountId: string,
    callId: string,
    outcome: { status: FinalCallStatus; durationSeconds: number; recordingUrl: string | null },
    now: number,
  ) {
    this.#bind(accountId);
    const wait = this.settings.recordingWaitMs;
    return this.#commit(
      () => reportCallStatus(this.#context(true, now), callId, outcome, wait) !== null,
    );
  }

  async attachRecording(accountId: string, callId: string, url: string, now: number) {
    this.#bind(accountId);
    return this.#commit(() => attachRecording(this.#context(true, now), callId, url) !== null);
  }

  /** Null when `to` is not this account's live number (the worker routed it by D1's owner). */
  async receiveInbound(
    accountId: string,
    input: { from: string; to: string; body: string; carrierSid: string | null },
    now: number,
  ): Promise<string | null> {
    this.#bind(accountId);
    if (!ownsNumber(this.#db, true, input.to)) return null;
    return this.#commit(
      () => receiveInboundIn(this.#context(true, now), { ...input, carrier: "twilio" }).id,
    );
  }

  async ownsNumber(accountId: string, livemode: boolean, number: string): Promise<boolean> {
    this.#bind(accountId);
    return ownsNumber(this.#db, livemode, number);
  }

  // ---- the hierarchy and account settings, pushed by the control plane ----

  /** Once, before the sub-account exists in D1: from now on every event is forwarded up too. */
  async adopt(accountId: string, parentAccountId: string): Promise<void> {
    this.#bind(accountId);
    this.ctx.storage.transactionSync(() => {
      setMeta(this.#db, "parent_account_id", parentAccountId);
      this.#subscriptions.setUpstream(parentAccountId, this.#head);
    });
    this.#parentAccountId = parentAccountId;
  }

  /** A child's batch of events (its own or its descendants'); idempotent by event id. */
  async receiveForwarded(accountId: string, batch: QueuedEvent[]): Promise<number> {
    this.#bind(accountId);
    return this.#commit(() => appendForwarded(this.#db, this.#subscriptions, batch));
  }

  async setHelpText(accountId: string, text: string | null): Promise<void> {
    this.#bind(accountId);
    setMeta(this.#db, "help_text", text);
  }

  async addNumber(accountId: string, row: OwnedNumber): Promise<void> {
    this.#bind(accountId);
    addOwnedNumber(this.#db, row);
  }

  async removeNumber(accountId: string, id: string): Promise<void> {
    this.#bind(accountId);
    removeOwnedNumber(this.#db, id);
  }

  /**
   * An endpoint's health changed (SPEC §5): the operational event is committed to the outbox in
   * one transaction and fans out to the account's other subscribed endpoints. Idempotent on the
   * event id the endpoint object fixed at the transition, so its retries never duplicate it.
   */
  async emitOperational(
    accountId: string,
    eventId: string,
    type: OperationalEventType,
    data: EndpointHealthData,
    excludeEndpointId: string,
    now: number,
  ): Promise<void> {
    this.#bind(accountId);
    if (findEvent(this.#db, eventId)) return;
    this.#commit(() =>
      appendEvent(this.#db, this.#subscriptions, {
        id: eventId,
        accountId,
        parentAccountId: this.#parentAccountId,
        type,
        livemode: true,
        data,
        now,
        exclude: excludeEndpointId,
      }),
    );
  }

  // ---- reads for replay and redelivery ----

  async findEvent(accountId: string, id: string) {
    this.#bind(accountId);
    return findEvent(this.#db, id) ?? null;
  }

  async eventsSince(
    accountId: string,
    since: number,
    types: string[],
    max: number,
    livemode?: boolean,
    includeForwarded = false,
  ) {
    this.#bind(accountId);
    return eventsSince(this.#db, since, types, max, livemode, includeForwarded);
  }

  // ---- subscriptions, pushed by the control plane ----

  async syncEndpoint(accountId: string, endpoint: WebhookEndpoint): Promise<void> {
    this.#bind(accountId);
    this.#subscriptions.upsert(endpoint, this.#head);
  }

  async removeEndpoint(accountId: string, endpointId: string, at: number): Promise<void> {
    this.#bind(accountId);
    this.#subscriptions.remove(endpointId, at);
  }

  // ---- the key authority ----

  async register(accountId: string, key: AuthorityKey): Promise<void> {
    this.#bind(accountId);
    this.#keys.write(key);
  }

  /**
   * New key live and old key limited to `oldKeyRevokedAt`, in one transaction. A key that was
   * already rotated or revoked is refused here, where rotations are serialised: two concurrent
   * rotations both pass the D1 check, but only the first gets a live replacement.
   */
  async rotate(
    accountId: string,
    oldKeyId: string,
    replacement: AuthorityKey,
    oldKeyRevokedAt: number,
  ) {
    this.#bind(accountId);
    const old = this.#keys.get(oldKeyId);
    if (old && old.revokedAt !== null) {
      return { rotated: false as const, previousRevokedAt: old.revokedAt, oldHash: old.hash };
    }
    this.ctx.storage.transactionSync(() => {
      this.#keys.write(replacement);
      if (old) this.#keys.write({ ...old, revokedAt: oldKeyRevokedAt });
    });
    return {
      rotated: true as const,
      previousRevokedAt: old?.revokedAt ?? null,
      oldHash: old?.hash ?? null,
    };
  }

  /** Compensation when the metadata write after a rotation fails. */
  async undoRotate(oldKeyId: string, replacementKeyId: string, previousRevokedAt: number | null) {
    const old = this.#keys.get(oldKeyId);
    this.ctx.storage.transactionSync(() => {
      if (old) this.#keys.write({ ...old, revokedAt: previousRevokedAt });
      this.#keys.remove(replacementKeyId);
    });
  }

  /** Idempotent; returns the key's hash so the caller can drop the KV route to it. */
  async revoke(keyId: string, at: number): Promise<string | null> {
    const key = this.#keys.get(keyId);
    if (!key) return null;
    if (key.revokedAt === null || key.revokedAt > at) this.#keys.write({ ...key, revokedAt: at });
    return key.hash;
  }

  async unregister(keyId: string): Promise<void> {
    this.#keys.remove(keyId);
  }

  /** Uses not yet flushed to D1, so listings are exact rather than a minute behind. */
  async pendingLastUsed(): Promise<Record<string, number>> {
    return this.#keys.pendingLastUsed();
  }

  /** Idempotent: writes whatever is pending (monotonically) and forgets it only once written. */
  async flushLastUsed(): Promise<void> {
    const pending = Object.entries(this.#keys.pendingLastUsed());
    if (pending.length === 0) return;
    this.#flushDueAt = null;
    try {
      await this.env.DB.batch(
        pending.map(([keyId, at]) =>
          this.env.DB.prepare(
            "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?1) WHERE id = ?2",
          ).bind(at, keyId),
        ),
      );
      this.#keys.flushed(pending);
    } catch (error) {
      console.error(
        JSON.stringify({ level: "error", msg: "last_used flush failed", error: String(error) }),
      );
    }
  }

  // ---- after the commit: hand-offs, fan-out, retention, all retried by the alarm ----

  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    if (this.#keys.hasUnflushedUse()) await this.flushLastUsed();
    await this.settle();
  }

  /**
   * Runs what is due now: carrier hand-offs, fan-out of the outbox, a refresh of subscriptions
   * and the retention sweep when their time has come. What the alarm runs; tests call it too.
   * Concurrent calls share one run.
   */
  settle(): Promise<void> {
    if (this.#pump) {
      this.#pumpAgain = true;
      return this.#pump;
    }
    this.#pump = this.#runPump().finally(() => {
      this.#pump = null;
    });
    return this.#pump;
  }

  async #runPump(): Promise<void> {
    const started = Date.now();
    try {
      do {
        this.#pumpAgain = false;
        const now = this.clock.now();
        const host = this.#pumpHost();
        if (!host) return;
        await this.#refresh(now);
        await runHandoffs(host, now);
        await fanOut(host, now);
        this.#retention(now);
      } while (this.#pumpAgain && Date.now() - started < PUMP_BUDGET_MS);
    } finally {
      await this.#arm();
    }
  }

  #pumpHost(): PumpHost | null {
    const accountId = this.#accountId;
    if (!accountId) return null;
    const deps = { env: this.#env(), config: this.settings, now: () => this.clock.now() };
    return {
      db: this.#db,
      subscriptions: this.#subscriptions,
      accountId,
      head: () => this.#head,
      now: () => this.clock.now(),
      carrierFor: (livemode) =>
        this.faults.carrier?.(livemode) ?? carrierFor(deps, accountId, livemode),
      queueFor: (endpointId) =>
        this.faults.endpointQueue?.(endpointId) ??
        (isUpstream(endpointId)
          ? this.#upstream(endpointId)
          : endpointObject(this.env, endpointId)),
      commit: (change) => this.#commit(change),
      context: (livemode, now) => this.#context(livemode, now),
    };
  }

  /** While events flow, D1's endpoint list replaces the pushed subscriptions now and then. */
  async #refresh(now: number): Promise<void> {
    const accountId = this.#accountId;
    if (!accountId || (this.#lastRefreshAt !== 0 && !this.#appendedSinceRefresh)) return;
    if (now - this.#lastRefreshAt < SUBSCRIPTION_REFRESH_MS) return;
    const load = () =>
      database(this.env.DB)
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.accountId, accountId));
    if (await refreshSubscriptions(this.#subscriptions, load, this.#head, now, TOMBSTONE_TTL_MS)) {
      this.#lastRefreshAt = now;
      this.#appendedSinceRefresh = false;
    }
  }

  #retention(now: number): void {
    if (now - this.#lastSweepAt < RETENTION_SWEEP_MS) return;
    const floor = Math.min(this.#head, ...this.#subscriptions.live().map((sub) => sub.cursor));
    const { more } = sweep(this.#db, now, this.settings.retentionDays, floor);
    // A full batch sweeps again on the next run instead of waiting an hour.
    this.#lastSweepAt = more ? now - RETENTION_SWEEP_MS : now;
    if (more) this.#pumpAgain = true;
  }

  /** One alarm at the earliest thing due; skipped when an earlier one is already armed. */
  async #arm(): Promise<void> {
    const now = this.clock.now();
    const wall = Date.now();
    if (this.#keys.hasUnflushedUse()) this.#flushDueAt ??= wall + LAST_USED_FLUSH_MS;
    const at = nextAlarmAt({
      now,
      wall,
      nextTaskAt: nextTaskAt(this.#db),
      subscriptions: this.#subscriptions.live(),
      head: this.#head,
      flushDueAt: this.#flushDueAt,
      sweepDueAt: this.#head > 0 ? this.#lastSweepAt + RETENTION_SWEEP_MS : null,
      outboxSafetyMs: OUTBOX_SAFETY_MS,
    });
    if (at === null) return;
    const armed = this.#alarmAt;
    if (armed !== undefined && armed !== null && armed <= at && armed > wall) return;
    this.#alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  // ---- helpers ----

  /** The parent account's object, taking a fan-out batch the way an endpoint object would. */
  #upstream(endpointId: string) {
    const parentId = upstreamAccount(endpointId);
    return {
      enqueue: (_endpoint: WebhookEndpoint, batch: QueuedEvent[]) =>
        accountObject(this.env, parentId).receiveForwarded(parentId, batch),
    };
  }

  #env(): Env {
    return { ...this.env, ...this.envOverrides } as Env;
  }

  /** Runs `change` in one storage transaction; afterwards the pump hands its effects on. */
  #commit<T>(change: () => T): T {
    const result = this.ctx.storage.transactionSync(() => {
      const value = change();
      this.faults.inCommit?.();
      return value;
    });
    const head = headSeq(this.#db);
    if (head !== this.#head) this.#appendedSinceRefresh = true;
    this.#head = head;
    if (this.autoPump) void this.settle();
    else void this.#arm();
    return result;
  }

  #context(livemode: boolean, now: number): LedgerContext {
    const accountId = this.#accountId ?? "";
    const ids = timeOrderedIds({ now: () => now });
    return {
      db: this.#db,
      accountId,
      livemode,
      now,
      ids,
      config: this.settings,
      emit: (type: EventType, data: unknown) =>
        appendEvent(this.#db, this.#subscriptions, {
          id: ids.next("evt"),
          accountId,
          parentAccountId: this.#parentAccountId,
          type,
          livemode,
          data,
          now,
        }),
    };
  }

  #opEnv(acting: Acting, request: LedgerRequest<OpName>): OpEnv {
    const { livemode, bothModes } = acting;
    return {
      ...this.#context(livemode, request.now),
      carrier: carrierNameFor(this.#env(), livemode),
      bothModes,
      credentialKind: request.credential.kind,
    };
  }

  /** One account's object never serves another account. */
  #bind(accountId: string): void {
    if (this.#accountId === accountId) return;
    if (this.#accountId !== null)
      throw new Error("account object addressed with another account id");
    this.#db.insert(meta).values({ key: "account_id", value: accountId }).run();
    this.#accountId = accountId;
  }
}
