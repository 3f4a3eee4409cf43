import { DurableObject } from "cloudflare:workers";
import { type Config, readConfig } from "../config";
import { database } from "../db/client";
import type { WebhookEndpoint } from "../db/schema";
import { AttemptLog } from "../delivery/attempt-log";
import {
  type Action,
  capacity,
  INITIAL_MACHINE,
  type Input,
  type MachineState,
  step,
} from "../delivery/machine";
import { type Notice, NoticeStore } from "../delivery/notices";
import { deliverNotice } from "../delivery/notify";
import { classify } from "../delivery/policy";
import { DeliveryQueue, type QueuedEvent, type QueueRow } from "../delivery/queue";
import { available, type Bucket, fullBucket, nextTokenAt, take } from "../delivery/rate";
import { type Mailer, mailerFor } from "../notifications/mailer";
import { type Clock, systemClock, timeOrderedIds } from "../services";
import { sendOnce } from "../webhooks/send";

export type EndpointStatus = WebhookEndpoint["status"];

export interface EndpointStats {
  status: EndpointStatus;
  pending_count: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_error: string | null;
}

const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/**
 * One object per webhook endpoint: its durable queue, its sliding delivery window, its attempt
 * log and its notice outbox. Every decision is `step()` in src/delivery/machine.ts; this class
 * only starts sends, applies the actions each answer yields (one storage transaction per answer)
 * and keeps one alarm at the next thing due. Events are acknowledged to the publisher only once
 * written here, so restarts and evictions lose nothing; a send cut short by an eviction is
 * simply sent again (at-least-once, same webhook-id).
 */
export class WebhookEndpointObject extends DurableObject<Env> {
  /** Seams for tests (instance fields are not reachable over RPC). */
  clock: Clock = systemClock;
  fetcher: typeof fetch = (input, init) => fetch(input, init);
  random: () => number = Math.random;
  mailer: Mailer;
  settings: Config;
  /** Tests that drive `drain()` by hand switch the alarm's own runs off (it still gets armed). */
  autoAlarm = true;

  #queue: DeliveryQueue;
  #log: AttemptLog;
  #notices: NoticeStore;
  #endpoint: WebhookEndpoint | null;
  #machine: MachineState;
  #deletedAt: number | null;
  /** Pending rows, counted here so stats and the backlog check never count the table. */
  #pending: number;
  #backlogWarned: boolean;
  #bucket: Bucket | null = null;
  /** Sends on the wire, by event id, and their promises (the window). */
  #sending = new Set<string>();
  #outstanding = new Set<Promise<void>>();
  #deadline = 0;
  #run: Promise<void> | null = null;
  #runAgain = false;
  #budgetSpent = false;
  #noticeRun: Promise<void> | null = null;
  /** The alarm this instance last set (null: none; undefined: unknown, e.g. after a restart). */
  #alarmAt: number | null | undefined = undefined;
  #lastSweep = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.settings = readConfig(env);
    this.mailer = mailerFor(
      env as Env & { MAIL_API_URL?: string; MAIL_API_KEY?: string; MAIL_FROM?: string },
    );
    this.#queue = new DeliveryQueue(ctx.storage.sql);
    this.#log = new AttemptLog(ctx.storage.sql);
    this.#notices = new NoticeStore(ctx.storage.sql);
    this.#endpoint = this.#queue.getMeta<WebhookEndpoint>("endpoint");
    this.#deletedAt = this.#queue.getMeta<number>("deleted_at");
    // Sends die with the instance that made them: nothing is on the wire after a restart.
    const saved = this.#queue.getMeta<MachineState>("machine");
    this.#machine = saved ? { ...saved, inFlight: 0, probing: false } : INITIAL_MACHINE;
    this.#pending = this.#queue.pendingCount();
    this.#backlogWarned = this.#queue.getMeta<boolean>("backlog_warned") ?? false;
  }

  /**
   * New settings from the control plane. Any settings update on a failed endpoint retries at once
   * (seed 003: "until you update your integration settings").
   */
  async configure(endpoint: WebhookEndpoint): Promise<EndpointStats> {
    if (this.#deletedAt !== null) return this.stats();
    if (this.#endpoint?.rateLimitPerSecond !== endpoint.rateLimitPerSecond) this.#bucket = null;
    this.#endpoint = endpoint;
    this.#queue.setMeta("endpoint", endpoint);
    this.#apply({ kind: "configured", active: endpoint.active }, this.clock.now());
    if (this.#run) void this.drain();
    await this.#arm();
    return this.stats();
  }

  /**
   * Durably queues events; returns once they are written (the publisher's acknowledgement). A
   * deleted endpoint refuses (returns -1): a publish that was in flight when it was deleted must
   * not bring its object back to life.
   */
  async enqueue(
    endpoint: WebhookEndpoint,
    events: QueuedEvent[],
    options: { requeue?: boolean } = {},
  ): Promise<number> {
    if (this.#deletedAt !== null) return -1;
    // Only a newer snapshot is written: every publish passes one, almost always unchanged.
    if (!this.#endpoint || endpoint.updatedAt > this.#endpoint.updatedAt) {
      if (this.#endpoint?.rateLimitPerSecond !== endpoint.rateLimitPerSecond) this.#bucket = null;
      this.#endpoint = endpoint;
      this.#queue.setMeta("endpoint", endpoint);
    }
    const now = this.clock.now();
    const added = this.#queue.add(events, now, options.requeue ?? false);
    this.#pending += added;
    this.#checkBacklog(now);
    // A running window takes new events at once; otherwise the alarm starts one.
    if (this.#run) void this.drain();
    else await this.#arm();
    return added;
  }

  async stats(): Promise<EndpointStats> {
    const { health, lastSuccessAt, lastFailureAt, lastError } = this.#machine;
    return {
      status:
        health === "active" && this.#queue.hasRetrying(this.clock.now()) ? "retrying" : health,
      pending_count: this.#pending,
      last_success_at: lastSuccessAt,
      last_failure_at: lastFailureAt,
      last_error: lastError,
    };
  }

  async deliveries(limit: number, before?: string, eventId?: string) {
    return this.#log.list(limit, before, eventId);
  }

  async eventStates(eventIds: string[]) {
    return this.#queue.eventStates(eventIds);
  }

  /**
   * The endpoint was deleted: its queue, log and notices go; a tombstone stays so that a late
   * enqueue or configure is refused rather than re-creating it (it costs one row).
   */
  async destroy(): Promise<void> {
    const at = this.clock.now();
    this.ctx.storage.transactionSync(() => {
      this.#queue.clear();
      this.#notices.clear();
      this.#queue.deleteMeta("endpoint");
      this.#queue.deleteMeta("machine");
      this.#queue.setMeta("deleted_at", at);
    });
    this.#endpoint = null;
    this.#deletedAt = at;
    this.#pending = 0;
    await this.ctx.storage.deleteAlarm();
    this.#alarmAt = null;
  }

  override async alarm(): Promise<void> {
    // This alarm has fired: whatever is due next must be set again.
    this.#alarmAt = null;
    if (this.autoAlarm) await this.drain();
  }

  /**
   * Sends whatever is due, through the window, and delivers pending notices. Safe to call at any
   * time and any number of times: a call during a run tops the window up, asks for one more pass
   * and resolves when the run (including that pass) is over.
   */
  drain(): Promise<void> {
    if (this.#run) {
      this.#runAgain = true;
      this.#fill();
      return this.#run;
    }
    this.#run = (async () => {
      try {
        this.#budgetSpent = false;
        this.#deadline = Date.now() + this.settings.endpointRunBudgetMs;
        this.#sweep();
        do {
          this.#runAgain = false;
          await this.#window();
        } while (this.#runAgain && !this.#budgetSpent);
      } finally {
        this.#run = null;
      }
      await this.#flushNotices();
      await this.#arm();
    })();
    return this.#run;
  }

  /** Keeps the window full until nothing more can start and everything outstanding is back. */
  async #window(): Promise<void> {
    this.#fill();
    while (this.#outstanding.size > 0) {
      await Promise.race(this.#outstanding);
      this.#fill();
    }
  }

  /** Starts as many sends as the machine, the window and the rate allow, oldest first. */
  #fill(): void {
    const endpoint = this.#endpoint;
    if (!endpoint || this.#deletedAt !== null) return;
    if (Date.now() >= this.#deadline) {
      // Budget spent: outstanding sends finish, nothing starts, a fresh alarm continues.
      this.#budgetSpent = true;
      return;
    }
    const now = this.clock.now();
    const window = this.#windowSize(endpoint);
    const room = capacity(this.#machine, now, window);
    const rate = endpoint.rateLimitPerSecond ?? null;
    const allowed = Math.min(room.sends, available(this.#bucketFor(rate, now), rate, now));
    if (allowed <= 0) return;
    const rows = room.probe
      ? [this.#queue.head()].filter((row): row is QueueRow => row !== null)
      : this.#queue.due(now, allowed, window === 1, this.#sending);
    if (rows.length === 0) return;
    this.#bucket = take(this.#bucketFor(rate, now), rate, now, rows.length);
    this.#apply({ kind: "started", count: rows.length, probe: room.probe }, now);
    for (const row of rows) {
      this.#sending.add(row.eventId);
      const send: Promise<void> = this.#send(endpoint, row, room.probe).finally(() => {
        this.#sending.delete(row.eventId);
        this.#outstanding.delete(send);
      });
      this.#outstanding.add(send);
    }
  }

  async #send(endpoint: WebhookEndpoint, row: QueueRow, probe: boolean): Promise<void> {
    const result = await sendOnce(
      endpoint,
      { id: row.eventId, body: row.payload },
      { timeoutMs: this.settings.webhookTimeoutMs, now: this.clock.now(), fetcher: this.fetcher },
    );
    const now = this.clock.now();
    const outcome = classify(result);
    const input: Input = {
      kind: "answered",
      row,
      probe,
      jitter: this.random(),
      answer: {
        outcome,
        statusCode: result.status_code,
        error: result.error,
        retryAfterSeconds: result.retry_after_seconds,
      },
    };
    this.ctx.storage.transactionSync(() => {
      this.#log.record({
        id: timeOrderedIds(this.clock).next("del"),
        eventId: row.eventId,
        eventType: row.type,
        attempt: row.attempts + 1,
        at: now,
        statusCode: result.status_code,
        durationMs: result.duration_ms,
        error: result.error,
        responseExcerpt: result.response_body,
        outcome,
      });
      this.#apply(input, now);
    });
  }

  /** Runs one machine step and applies its actions (callers hold the storage transaction). */
  #apply(input: Input, now: number): void {
    const result = step(this.#machine, input, now, this.settings);
    const persist = input.kind !== "started";
    this.#machine = result.state;
    let notified = false;
    for (const action of result.actions) notified = this.#act(action, now) || notified;
    if (persist) this.#queue.setMeta("machine", this.#machine);
    // After the caller's transaction: the notice goes out beside the window.
    if (notified) void Promise.resolve().then(() => this.#flushNotices());
  }

  #act(action: Action, now: number): boolean {
    switch (action.type) {
      case "finish":
        this.#queue.finish(
          action.eventId,
          action.state,
          now,
          action.attempt,
          action.statusCode,
          action.error,
          action.firstAttemptAt,
        );
        this.#pending = Math.max(0, this.#pending - 1);
        // Re-armed once the backlog has halved, so a steady slow drain does not warn repeatedly.
        if (this.#backlogWarned && this.#pending < this.settings.endpointBacklogWarning / 2) {
          this.#backlogWarned = false;
          this.#queue.setMeta("backlog_warned", false);
        }
        return false;
      case "retry":
        this.#queue.retryAt(
          action.eventId,
          action.at,
          now,
          action.attempt,
          action.statusCode,
          action.error,
          action.firstAttemptAt,
        );
        return false;
      case "release_all":
        this.#queue.makeAllDue(now);
        return false;
      case "notify":
        this.#notice(action.transition, action.detail, now);
        return true;
    }
  }

  /** Warn admins (never drop) when the backlog passes ENDPOINT_BACKLOG_WARNING. */
  #checkBacklog(now: number): void {
    const limit = this.settings.endpointBacklogWarning;
    if (this.#backlogWarned || this.#pending <= limit) return;
    this.#backlogWarned = true;
    this.ctx.storage.transactionSync(() => {
      this.#queue.setMeta("backlog_warned", true);
      this.#notice(
        "endpoint.backlog_warning",
        `${this.#pending} events are waiting (warning at ${limit}). Nothing is dropped; consider raising max_in_flight or rate_limit_per_second, or check the receiver.`,
        now,
      );
    });
    void Promise.resolve().then(() => this.#flushNotices());
  }

  #notice(transition: Notice["transition"], detail: string, now: number): void {
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    if (transition === "endpoint.disabled") {
      // A newer version than any snapshot so far, so the account object's copy takes it.
      this.#endpoint = {
        ...endpoint,
        active: false,
        updatedAt: Math.max(now, endpoint.updatedAt + 1),
      };
      this.#queue.setMeta("endpoint", this.#endpoint);
    }
    const ids = timeOrderedIds(this.clock);
    const { health, lastError } = this.#machine;
    this.#notices.add({
      id: ids.next("ntf"),
      eventId: ids.next("evt"),
      transition,
      detail,
      data: {
        endpoint_id: endpoint.id,
        url: endpoint.url,
        status: health,
        last_error: lastError,
        pending_count: this.#pending,
      },
      at: now,
      done: 0,
      attempts: 0,
      nextAt: now,
    });
  }

  /** Beside the window, never inside it: a slow or failing mail provider delays no send. */
  #flushNotices(): Promise<void> {
    if (this.#noticeRun) return this.#noticeRun;
    const run = (async () => {
      // Yield first, so the `finally` below never runs before `#noticeRun` is set.
      await Promise.resolve();
      try {
        for (;;) {
          const now = this.clock.now();
          const due = this.#notices.due(now);
          if (due.length === 0 || !this.#endpoint) return;
          const stats = await this.stats();
          for (const notice of due) {
            const next = await deliverNotice(
              {
                env: this.env,
                db: database(this.env.DB),
                mailer: this.mailer,
                endpoint: this.#endpoint,
                mirror: {
                  status: stats.status,
                  lastError: stats.last_error,
                  lastFailureAt: stats.last_failure_at,
                  lastSuccessAt: stats.last_success_at,
                },
                now,
              },
              notice,
            );
            this.#notices.save(next);
          }
        }
      } finally {
        this.#noticeRun = null;
      }
    })();
    this.#noticeRun = run;
    return run;
  }

  #windowSize(endpoint: WebhookEndpoint): number {
    return Math.max(1, endpoint.maxInFlight ?? this.settings.endpointMaxInFlight);
  }

  #bucketFor(rate: number | null, now: number): Bucket {
    this.#bucket ??= fullBucket(rate ?? 0, now);
    return this.#bucket;
  }

  #sweep(): void {
    const now = this.clock.now();
    if (now - this.#lastSweep < RETENTION_SWEEP_MS) return;
    const more = this.#queue.prune(now - this.settings.retentionDays * 86_400_000);
    // A full batch sweeps again on the next run instead of waiting an hour.
    this.#lastSweep = more ? now - RETENTION_SWEEP_MS : now;
  }

  /** When there is something to send next (null: nothing until an event or an update). */
  #nextSendAt(now: number): number | null {
    const endpoint = this.#endpoint;
    if (!endpoint || this.#pending === 0) return null;
    if (this.#budgetSpent) return now;
    const { health, nextProbeAt } = this.#machine;
    if (health === "disabled") return null;
    if (health === "failed") return nextProbeAt;
    const due =
      this.#windowSize(endpoint) === 1
        ? (this.#queue.head()?.nextAttemptAt ?? null)
        : this.#queue.earliestDue();
    const rate = endpoint.rateLimitPerSecond ?? null;
    if (due === null || rate === null) return due;
    return Math.max(due, nextTokenAt(this.#bucketFor(rate, now), rate, Math.max(due, now)));
  }

  /** One alarm, at the earliest moment there is something to do (or none). */
  async #arm(): Promise<void> {
    const now = this.clock.now();
    const candidates = [this.#nextSendAt(now), this.#endpoint ? this.#notices.nextAt() : null];
    const due = candidates.reduce<number | null>(
      (min, at) => (at === null ? min : min === null ? at : Math.min(min, at)),
      null,
    );
    if (due === null) {
      if (this.#alarmAt !== null) await this.ctx.storage.deleteAlarm();
      this.#alarmAt = null;
      return;
    }
    // Due times live on this object's clock; alarms fire on the wall clock.
    const at = Date.now() + Math.max(0, due - now);
    // An alarm already set no later than `at` will drain and re-arm; skipping the write keeps
    // enqueueing (one call per published batch) to a single SQLite write.
    if (this.#alarmAt !== undefined && this.#alarmAt !== null && this.#alarmAt <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.#alarmAt = at;
  }
}
