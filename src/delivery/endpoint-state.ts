import type { Config } from "../config";
import type { WebhookEndpoint } from "../db/schema";
import type { IdGenerator } from "../services";
import { type Action, INITIAL_MACHINE, type Input, type MachineState, step } from "./machine";
import type { Notice, NoticeStore } from "./notices";
import type { DeliveryQueue } from "./queue";

/**
 * What one endpoint object knows about itself, and the one place that applies the state
 * machine's actions to its storage: the queue rows, the machine's state, the pending count, the
 * backlog warning, the notices. Callers run `apply` inside a storage transaction, so a state
 * change, its row writes and its notice are one write.
 */
export class EndpointState {
  endpoint: WebhookEndpoint | null;
  machine: MachineState;
  deletedAt: number | null;
  /** Pending rows, counted here so stats and the backlog check never count the table. */
  pending: number;
  backlogWarned: boolean;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly notices: NoticeStore,
  ) {
    this.endpoint = queue.getMeta<WebhookEndpoint>("endpoint");
    this.deletedAt = queue.getMeta<number>("deleted_at");
    // Sends die with the instance that made them: nothing is on the wire after a restart.
    const saved = queue.getMeta<MachineState>("machine");
    this.machine = saved ? { ...saved, inFlight: 0, probing: false } : INITIAL_MACHINE;
    this.pending = queue.pendingCount();
    this.backlogWarned = queue.getMeta<boolean>("backlog_warned") ?? false;
  }

  setEndpoint(endpoint: WebhookEndpoint): void {
    this.endpoint = endpoint;
    this.queue.setMeta("endpoint", endpoint);
  }

  /** Runs one step; returns whether a notice was written. */
  apply(input: Input, now: number, settings: Config, ids: IdGenerator): boolean {
    const before = { machine: this.machine, pending: this.pending, warned: this.backlogWarned };
    const result = step(this.machine, input, now, settings);
    this.machine = result.state;
    try {
      let notified = false;
      for (const action of result.actions) {
        notified = this.#act(action, now, settings, ids) || notified;
      }
      // "started" only moves in-memory counters, which a restart resets anyway.
      if (input.kind !== "started") this.queue.setMeta("machine", this.machine);
      return notified;
    } catch (error) {
      // The caller's transaction rolls the storage back; memory follows it.
      this.machine = before.machine;
      this.pending = before.pending;
      this.backlogWarned = before.warned;
      throw error;
    }
  }

  /** A send whose answer could not be recorded gives its window slot back (in memory only). */
  release(probe: boolean): void {
    this.machine = {
      ...this.machine,
      inFlight: Math.max(0, this.machine.inFlight - 1),
      probing: probe ? false : this.machine.probing,
    };
  }

  /** Writes the backlog notice once the backlog passes `limit`; returns whether it did. */
  checkBacklog(now: number, limit: number, ids: IdGenerator): boolean {
    if (this.backlogWarned || this.pending <= limit) return false;
    this.backlogWarned = true;
    this.queue.setMeta("backlog_warned", true);
    this.#notice(
      "endpoint.backlog_warning",
      `${this.pending} events are waiting (warning at ${limit}). Nothing is dropped; consider raising max_in_flight or rate_limit_per_second, or check the receiver.`,
      now,
      ids,
    );
    return true;
  }

  #act(action: Action, now: number, settings: Config, ids: IdGenerator): boolean {
    switch (action.type) {
      case "finish":
        this.queue.finish(
          action.eventId,
          action.state,
          now,
          action.attempt,
          action.statusCode,
          action.error,
          action.firstAttemptAt,
        );
        this.pending = Math.max(0, this.pending - 1);
        // Re-armed once the backlog has halved, so a steady slow drain does not warn repeatedly.
        if (this.backlogWarned && this.pending < settings.endpointBacklogWarning / 2) {
          this.backlogWarned = false;
          this.queue.setMeta("backlog_warned", false);
        }
        return false;
      case "retry":
        this.queue.retryAt(
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
        this.queue.makeAllDue(now);
        return false;
      case "notify":
        this.#notice(action.transition, action.detail, now, ids);
        return true;
    }
  }

  #notice(transition: Notice["transition"], detail: string, now: number, ids: IdGenerator) {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    if (transition === "endpoint.disabled") {
      // A newer version than any snapshot so far, so the account object's copy takes it.
      this.setEndpoint({
        ...endpoint,
        active: false,
        updatedAt: Math.max(now, endpoint.updatedAt + 1),
      });
    }
    this.notices.add({
      id: ids.next("ntf"),
      // The operational event's id, fixed now: a retried emit can never mint a second one.
      eventId: ids.next("evt"),
      transition,
      detail,
      data: {
        endpoint_id: endpoint.id,
        url: endpoint.url,
        status: this.machine.health,
        last_error: this.machine.lastError,
        pending_count: this.pending,
      },
      at: now,
      done: 0,
      attempts: 0,
      nextAt: now,
    });
  }
}
