import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { type Config, readConfig } from "../config";
import { database } from "../db/client";
import { type WebhookEndpoint, webhookEndpoints } from "../db/schema";
import { type DeliveryHealth, deliveryHealth, HEALTH_WINDOW_MS } from "../delivery/health";
import { attemptsSince } from "../delivery/health-log";
import { classify, retryDelayMs } from "../delivery/policy";
import {
  type AttemptRecord,
  DeliveryQueue,
  type QueuedEvent,
  type QueueRow,
} from "../delivery/queue";
import { type AlertType, alertAdmins } from "../notifications/endpoint-alerts";
import { type Mailer, mailerFor } from "../notifications/mailer";
import { type Clock, systemClock, timeOrderedIds } from "../services";
import { type AttemptResult, sendOnce } from "../webhooks/send";
import { accountObject } from "./stubs";

export type EndpointStatus = WebhookEndpoint["status"];

interface DeliveryState {
  status: EndpointStatus;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  /** When a failed endpoint is probed next. */
  nextProbeAt: number | null;
}

export interface EndpointStats {
  status: EndpointStatus;
  pending_count: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_error: string | null;
}

const INITIAL_STATE: DeliveryState = {
  status: "active",
  lastSuccessAt: null,
  lastFailureAt: null,
  lastError: null,
  nextProbeAt: null,
};
/** One alarm run stops after this much work and re-arms itself, so no invocation runs unbounded. */
const MAX_ATTEMPTS_PER_RUN = 2_000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/**
 * One object per webhook endpoint: its durable queue, its delivery state machine, its attempt
 * log. Events are acknowledged to the publisher only once written here; the single alarm always
 * points at the earliest due row and `alarm()` may run any number of times (it only sends what is
 * due and records every outcome before moving on), so restarts and evictions lose nothing.
 */
export class WebhookEndpointObject extends DurableObject<Env> {
  /** Seams for tests (instance fields are not reachable over RPC). */
  clock: Clock = systemClock;
  fetcher: typeof fetch = (input, init) => fetch(input, init);
  random: () => number = Math.random;
  mailer: Mailer;
  settings: Config;

  #queue: DeliveryQueue;
  #endpoint: WebhookEndpoint | null = null;
  #state: DeliveryState = INITIAL_STATE;
  #drainRun: Promise<void> | null = null;
  #drainAgain = false;
  #budgetSpent = false;
  /** The alarm this instance last set (null: none; undefined: unknown, e.g. after a restart). */
  #alarmAt: number | null | undefined = undefined;
  #lastSweep = 0;
  #rateWindow = { start: 0, used: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.settings = readConfig(env);
    this.mailer = mailerFor(
      env as Env & { MAIL_API_URL?: string; MAIL_API_KEY?: string; MAIL_FROM?: string },
    );
    this.#queue = new DeliveryQueue(ctx.storage.sql);
    this.#endpoint = this.#queue.getMeta<WebhookEndpoint>("endpoint");
    this.#state = this.#queue.getMeta<DeliveryState>("state") ?? INITIAL_STATE;
  }

  /**
   * New settings from the control plane. Any settings update on a failed endpoint retries at once
   * (seed 003: "until you update your integration settings").
   */
  async configure(endpoint: WebhookEndpoint): Promise<EndpointStats> {
    this.#endpoint = endpoint;
    this.#queue.setMeta("endpoint", endpoint);
    const now = this.clock.now();
    if (!endpoint.active) {
      this.#setState({ status: "disabled", nextProbeAt: null });
    } else if (this.#state.status === "disabled" || this.#state.status === "failed") {
      this.#setState({ status: "active", nextProbeAt: null });
      this.#queue.makeAllDue(now);
    }
    await this.#arm();
    return this.stats();
  }

  /** Durably queues events; returns once they are written (the publisher's acknowledgement). */
  async enqueue(
    endpoint: WebhookEndpoint,
    events: QueuedEvent[],
    options: { requeue?: boolean } = {},
  ): Promise<number> {
    // Only a newer snapshot is written: every publish passes one, almost always unchanged.
    if (!this.#endpoint || endpoint.updatedAt > this.#endpoint.updatedAt) {
      this.#endpoint = endpoint;
      this.#queue.setMeta("endpoint", endpoint);
    }
    const added = this.#queue.add(events, this.clock.now(), options.requeue ?? false);
    await this.#arm();
    return added;
  }

  async stats(): Promise<EndpointStats> {
    const pending = this.#queue.pendingCount();
    return {
      status: this.#state.status,
      pending_count: pending,
      last_success_at: this.#state.lastSuccessAt,
      last_failure_at: this.#state.lastFailureAt,
      last_error: this.#state.lastError,
    };
  }

  async deliveries(limit: number, before?: string, eventId?: string): Promise<AttemptRecord[]> {
    return this.#queue.attempts(limit, before, eventId);
  }

  /** Success rate, latency and recent attempts over the last 24 h (pure: ../delivery/health). */
  async health(): Promise<DeliveryHealth> {
    const now = this.clock.now();
    return deliveryHealth(attemptsSince(this.ctx.storage.sql, now - HEALTH_WINDOW_MS), now);
  }

  async eventStates(eventIds: string[]) {
    return this.#queue.eventStates(eventIds);
  }

  /** The endpoint was deleted: its queue and log go with it. */
  async destroy(): Promise<void> {
    this.#endpoint = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    // This alarm has fired: whatever is due next must be set again.
    this.#alarmAt = null;
    await this.drain();
  }

  /**
   * Sends whatever is due. Safe to call at any time and any number of times: a call during a run
   * asks for one more pass and resolves when the run (including that pass) is over.
   */
  drain(): Promise<void> {
    if (this.#drainRun) {
      this.#drainAgain = true;
      return this.#drainRun;
    }
    this.#drainRun = (async () => {
      try {
        do {
          this.#drainAgain = false;
          await this.#drainOnce();
        } while (this.#drainAgain);
      } finally {
        this.#drainRun = null;
      }
      await this.#arm();
    })();
    return this.#drainRun;
  }

  async #drainOnce(): Promise<void> {
    this.#budgetSpent = false;
    const endpoint = this.#endpoint;
    if (!endpoint) return;
    this.#sweep();
    for (let sent = 0; sent < MAX_ATTEMPTS_PER_RUN; ) {
      const now = this.clock.now();
      const status = this.#state.status;
      if (status === "disabled") return;
      if (status === "failed") {
        if ((this.#state.nextProbeAt ?? 0) > now) return;
        const probe = this.#queue.due(now, 1, true);
        if (probe.length === 0) return;
        await this.#attemptAll(endpoint, probe);
        sent += 1;
        if (this.#state.status === "failed") return;
        continue;
      }
      const batch = this.#queue.due(now, this.#batchSize(now));
      if (batch.length === 0) return;
      await this.#attemptAll(endpoint, batch);
      sent += batch.length;
    }
    // Budget spent with work left: end this invocation and let a fresh alarm continue.
    this.#budgetSpent = true;
  }

  /** Concurrency cap, and the optional per-second rate (ENDPOINT_MAX_PER_SECOND). */
  #batchSize(now: number): number {
    const perSecond = this.settings.endpointMaxPerSecond;
    if (perSecond <= 0) return this.settings.endpointMaxInFlight;
    if (now - this.#rateWindow.start >= 1000) this.#rateWindow = { start: now, used: 0 };
    return Math.max(
      0,
      Math.min(this.settings.endpointMaxInFlight, perSecond - this.#rateWindow.used),
    );
  }

  async #attemptAll(endpoint: WebhookEndpoint, rows: QueueRow[]): Promise<void> {
    this.#rateWindow.used += rows.length;
    const results = await Promise.all(
      rows.map((row) =>
        sendOnce(
          endpoint,
          { id: row.eventId, body: row.payload },
          {
            timeoutMs: this.settings.webhookTimeoutMs,
            now: this.clock.now(),
            fetcher: this.fetcher,
          },
        ),
      ),
    );
    const now = this.clock.now();
    for (const [index, row] of rows.entries()) {
      await this.#settle(endpoint, row, results[index]!, now);
    }
    // One state write per batch (status and whatever #settle changed in memory).
    const healthy = this.#state.status === "active" || this.#state.status === "retrying";
    this.#setState(healthy ? { status: this.#queue.hasRetrying() ? "retrying" : "active" } : {});
  }

  async #settle(
    endpoint: WebhookEndpoint,
    row: QueueRow,
    result: AttemptResult,
    now: number,
  ): Promise<void> {
    const attempt = row.attempts + 1;
    const firstAttemptAt = row.firstAttemptAt ?? now;
    const outcome = classify(result);
    this.#queue.recordAttempt({
      id: timeOrderedIds(this.clock).next("del"),
      eventId: row.eventId,
      eventType: row.type,
      attempt,
      at: now,
      statusCode: result.status_code,
      durationMs: result.duration_ms,
      error: result.error,
      responseExcerpt: result.response_body,
      outcome,
    });
    if (outcome === "delivered") {
      this.#queue.finish(
        row.eventId,
        "delivered",
        now,
        attempt,
        result.status_code,
        null,
        firstAttemptAt,
      );
      const recovered = this.#state.status === "failed";
      // A plain success is persisted with the batch's status write in #attemptAll.
      this.#setState(
        { lastSuccessAt: now, ...(recovered ? { status: "active", nextProbeAt: null } : {}) },
        recovered,
      );
      if (recovered) {
        this.#queue.makeAllDue(now);
        await this.#transition(
          endpoint,
          "endpoint.recovered",
          "deliveries resumed; the backlog is being replayed oldest first.",
          now,
        );
      }
      return;
    }
    this.#setState({ lastFailureAt: now, lastError: result.error });
    if (outcome === "transient") {
      // A failed endpoint's probe that fails transiently waits for the next probe, not a backoff.
      if (this.#state.status === "failed") {
        this.#setState({ nextProbeAt: now + this.settings.failedRetryIntervalMs });
      }
      if (now - firstAttemptAt >= this.settings.retryMaxElapsedMs) {
        this.#queue.finish(
          row.eventId,
          "failed",
          now,
          attempt,
          result.status_code,
          result.error,
          firstAttemptAt,
        );
        return;
      }
      const delay = retryDelayMs(
        attempt,
        this.settings.retryBaseMs,
        result.retry_after_seconds,
        this.random,
      );
      this.#queue.retryAt(
        row.eventId,
        now + delay,
        now,
        attempt,
        result.status_code,
        result.error,
        firstAttemptAt,
      );
      return;
    }
    // Fatal or gone: the event stays first in line; the endpoint pauses.
    this.#queue.retryAt(
      row.eventId,
      now,
      now,
      attempt,
      result.status_code,
      result.error,
      firstAttemptAt,
    );
    if (outcome === "gone") {
      if (this.#state.status === "disabled") return;
      this.#setState({ status: "disabled", nextProbeAt: null });
      await this.#transition(
        endpoint,
        "endpoint.disabled",
        `the endpoint answered 410 Gone, so it was disabled. Re-enable it to resume.`,
        now,
      );
      return;
    }
    const wasFailed = this.#state.status === "failed";
    this.#setState({ status: "failed", nextProbeAt: now + this.settings.failedRetryIntervalMs });
    if (!wasFailed) {
      await this.#transition(
        endpoint,
        "endpoint.failed",
        `${result.error ?? "delivery failed"}. Events are kept and retried hourly.`,
        now,
      );
    }
  }

  /** Mirrors the new status to D1 and tells the account's admins, once per transition. */
  async #transition(
    endpoint: WebhookEndpoint,
    type: AlertType,
    detail: string,
    now: number,
  ): Promise<void> {
    const db = database(this.env.DB);
    // A newer version than any snapshot so far, so the account object's copy takes it.
    const disabledAt = Math.max(now, endpoint.updatedAt + 1);
    await db
      .update(webhookEndpoints)
      .set({
        status: this.#state.status,
        ...(type === "endpoint.disabled" ? { active: false, updatedAt: disabledAt } : {}),
        lastError: this.#state.lastError,
        lastFailureAt: this.#state.lastFailureAt,
        lastSuccessAt: this.#state.lastSuccessAt,
      })
      .where(eq(webhookEndpoints.id, endpoint.id));
    if (type === "endpoint.disabled" && this.#endpoint) {
      this.#endpoint = { ...this.#endpoint, active: false, updatedAt: disabledAt };
      this.#queue.setMeta("endpoint", this.#endpoint);
      // The account object matches events to endpoints: a disabled one gets no new events.
      await accountObject(this.env, endpoint.accountId).syncEndpoint(
        endpoint.accountId,
        this.#endpoint,
      );
    }
    await alertAdmins(db, this.mailer, {
      id: timeOrderedIds(this.clock).next("ntf"),
      accountId: endpoint.accountId,
      endpointId: endpoint.id,
      url: endpoint.url,
      type,
      detail,
      at: now,
    });
  }

  #setState(patch: Partial<DeliveryState>, persist = true): void {
    this.#state = { ...this.#state, ...patch };
    if (persist) this.#queue.setMeta("state", this.#state);
  }

  #sweep(): void {
    const now = this.clock.now();
    if (now - this.#lastSweep < RETENTION_SWEEP_MS) return;
    this.#lastSweep = now;
    this.#queue.prune(now - this.settings.retentionDays * 86_400_000);
  }

  /** One alarm, at the earliest moment there is something to do (or none). */
  async #arm(): Promise<void> {
    const now = this.clock.now();
    let due: number | null = null;
    if (this.#endpoint && this.#state.status !== "disabled") {
      due = this.#state.status === "failed" ? this.#state.nextProbeAt : this.#queue.earliestDue();
      if (this.#budgetSpent) due = now;
      if (
        due !== null &&
        this.settings.endpointMaxPerSecond > 0 &&
        this.#batchSize(Math.max(due, now)) === 0
      ) {
        due = this.#rateWindow.start + 1000;
      }
    }
    if (due === null) {
      if (this.#alarmAt !== null) await this.ctx.storage.deleteAlarm();
      this.#alarmAt = null;
      return;
    }
    // Due times live on this object's clock; alarms fire on the wall clock.
    const at = Date.now() + Math.max(0, due - now);
    // An alarm already set no later than `at` will drain and re-arm; skipping the write keeps
    // enqueueing (one call per published event) to a single SQLite insert.
    if (this.#alarmAt !== undefined && this.#alarmAt !== null && this.#alarmAt <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.#alarmAt = at;
  }
}
