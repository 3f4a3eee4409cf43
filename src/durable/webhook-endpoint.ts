import { DurableObject } from "cloudflare:workers";
import { type Config, readConfig } from "../config";
import { database } from "../db/client";
import type { WebhookEndpoint } from "../db/schema";
import { AttemptLog } from "../delivery/attempt-log";
import { EndpointState } from "../delivery/endpoint-state";
import { type DeliveryHealth, deliveryHealth, HEALTH_WINDOW_MS } from "../delivery/health";
import { attemptsSince } from "../delivery/health-log";
import { capacity, type Input } from "../delivery/machine";
import { NoticeStore } from "../delivery/notices";
import { type NoticeDeps, NoticeRunner } from "../delivery/notify";
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

/** The mode an envelope was published in; null for a payload that is not one (never expected). */
function envelopeMode(payload: string): boolean | null {
  try {
    const mode = (JSON.parse(payload) as { livemode?: unknown }).livemode;
    return typeof mode === "boolean" ? mode : null;
  } catch {
    return null;
  }
}

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
  #state: EndpointState;
  #bucket: Bucket | null = null;
  /** Sends on the wire, by event id, and their promises (the window). */
  #sending = new Set<string>();
  #outstanding = new Set<Promise<void>>();
  #deadline = 0;
  /** Highest fresh (never tried) seq dispatched in this run: the next fresh rows come after it. */
  #freshCursor = 0;
  #run: Promise<void> | null = null;
  #runAgain = false;
  #budgetSpent = false;
  #noticeRunner: NoticeRunner;
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
    this.#noticeRunner = new NoticeRunner(
      this.#notices,
      () => this.#noticeDeps(),
      () => this.clock.now(),
    );
    this.#state = new EndpointState(this.#queue, this.#notices);
    // A process that dies mid-run can leave pending rows with no alarm (an alarm whose handler
    // was cut off is not always retried after a restart), and nothing else would wake the
    // object: whatever wakes it (a stats read, an enqueue) re-arms it first.
    ctx.blockConcurrencyWhile(async () => {
      this.#alarmAt = await ctx.storage.getAlarm();
      if (this.#alarmAt === null) await this.#arm();
    });
  }

  /**
   * New settings from the control plane. Any settings update on a failed endpoint retries at once
   * (seed 003: "until you update your integration settings").
   */
  async configure(endpoint: WebhookEndpoint): Promise<EndpointStats> {
    if (this.#state.deletedAt !== null) return this.stats();
    if (this.#state.endpoint?.rateLimitPerSecond !== endpoint.rateLimitPerSecond)
      this.#bucket = null;
    this.#state.setEndpoint(endpoint);
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
    if (this.#state.deletedAt !== null) return -1;
    // Only a newer snapshot is written: every publish passes one, almost always unchanged.
    if (!this.#state.endpoint || endpoint.updatedAt > this.#state.endpoint.updatedAt) {
      if (this.#state.endpoint?.rateLimitPerSecond !== endpoint.rateLimitPerSecond)
        this.#bucket = null;
      this.#state.setEndpoint(endpoint);
    }
    const now = this.clock.now();
    const added = this.#queue.add(events, now, options.requeue ?? false);
    // Re-opened rows keep their old place, which may be behind the run's cursor.
    if (options.requeue) this.#freshCursor = 0;
    this.#state.pending += added;
    this.#checkBacklog(now);
    // A running window takes new events at once; otherwise the alarm starts one.
    if (this.#run) void this.drain();
    else await this.#arm();
    return added;
  }

  async stats(): Promise<EndpointStats> {
    const { health, lastSuccessAt, lastFailureAt, lastError } = this.#state.machine;
    return {
      status:
        health === "active" && this.#queue.hasRetrying(this.clock.now()) ? "retrying" : health,
      pending_count: this.#state.pending,
      last_success_at: lastSuccessAt,
      last_failure_at: lastFailureAt,
      last_error: lastError,
    };
  }

  /** Success rate, latency and recent attempts over the last 24 h (pure: ../delivery/health). */
  async health(livemode?: boolean): Promise<DeliveryHealth> {
    const now = this.clock.now();
    return deliveryHealth(
      attemptsSince(this.ctx.storage.sql, now - HEALTH_WINDOW_MS, livemode),
      now,
    );
  }

  /** `livemode` undefined: both modes (sessions); a key passes its own mode. */
  async deliveries(limit: number, before?: string, eventId?: string, livemode?: boolean) {
    return this.#log.list(limit, before, eventId, livemode);
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
    this.#state.endpoint = null;
    this.#state.deletedAt = at;
    this.#state.pending = 0;
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
        this.#freshCursor = 0;
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
    const endpoint = this.#state.endpoint;
    if (!endpoint || this.#state.deletedAt !== null) return;
    if (Date.now() >= this.#deadline) {
      // Budget spent: outstanding sends finish, nothing starts, a fresh alarm continues.
      this.#budgetSpent = true;
      return;
    }
    const now = this.clock.now();
    const window = this.#windowSize(endpoint);
    const room = capacity(this.#state.machine, now, window);
    const rate = endpoint.rateLimitPerSecond ?? null;
    const allowed = Math.min(room.sends, available(this.#bucketFor(rate, now), rate, now));
    if (allowed <= 0) return;
    const rows = room.probe
      ? [this.#queue.head()].filter((row): row is QueueRow => row !== null)
      : this.#queue.due(now, allowed, window === 1, this.#sending, this.#freshCursor);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (row.attempts === 0) this.#freshCursor = Math.max(this.#freshCursor, row.seq);
    }
    this.#bucket = take(this.#bucketFor(rate, now), rate, now, rows.length);
    this.#apply({ kind: "started", count: rows.length, probe: room.probe }, now);
    for (const row of rows) {
      this.#sending.add(row.eventId);
      const send: Promise<void> = this.#send(endpoint, row, room.probe)
        .catch((error) => {
          // Only a storage failure lands here (sendOnce never throws): nothing was recorded, so
          // the row is still pending and goes again; the window slot must not leak.
          this.#state.release(room.probe);
          this.#freshCursor = 0;
          console.error(
            JSON.stringify({
              level: "error",
              msg: "recording an answer failed",
              error: String(error),
            }),
          );
        })
        .finally(() => {
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
        livemode: envelopeMode(row.payload),
      });
      this.#apply(input, now);
    });
  }

  /** Runs one machine step and applies its actions (callers hold the storage transaction). */
  #apply(input: Input, now: number): void {
    const notified = this.#state.apply(input, now, this.settings, timeOrderedIds(this.clock));
    // After the caller's transaction: the notice goes out beside the window.
    if (notified) void Promise.resolve().then(() => this.#flushNotices());
  }

  /** Warn admins (never drop) when the backlog passes ENDPOINT_BACKLOG_WARNING. */
  #checkBacklog(now: number): void {
    const warned = this.ctx.storage.transactionSync(() =>
      this.#state.checkBacklog(
        now,
        this.settings.endpointBacklogWarning,
        timeOrderedIds(this.clock),
      ),
    );
    if (warned) void Promise.resolve().then(() => this.#flushNotices());
  }

  /** Beside the window, never inside it: a slow or failing mail provider delays no send. */
  #flushNotices(): Promise<void> {
    return this.#noticeRunner.flush();
  }

  /** What sending a notice needs right now (null: the endpoint is gone, nothing to send). */
  async #noticeDeps(): Promise<NoticeDeps | null> {
    if (!this.#state.endpoint) return null;
    const stats = await this.stats();
    return {
      env: this.env,
      db: database(this.env.DB),
      mailer: this.mailer,
      endpoint: this.#state.endpoint,
      mirror: {
        status: stats.status,
        lastError: stats.last_error,
        lastFailureAt: stats.last_failure_at,
        lastSuccessAt: stats.last_success_at,
      },
      now: this.clock.now(),
    };
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
    const endpoint = this.#state.endpoint;
    if (!endpoint || this.#state.pending === 0) return null;
    if (this.#budgetSpent) return now;
    const { health, nextProbeAt } = this.#state.machine;
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
    const candidates = [
      this.#nextSendAt(now),
      this.#state.endpoint ? this.#notices.nextAt() : null,
    ];
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
