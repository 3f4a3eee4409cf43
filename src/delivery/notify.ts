import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { type WebhookEndpoint, webhookEndpoints } from "../db/schema";
import { accountObject } from "../durable/stubs";
import { mailAlert, recordAlert } from "../notifications/endpoint-alerts";
import type { Mailer } from "../notifications/mailer";
import { MAIL_TRIES, type Notice, type NoticeStore, noticeRetryAt, STEP } from "./notices";

export interface NoticeDeps {
  env: Env;
  db: Database;
  mailer: Mailer;
  endpoint: WebhookEndpoint;
  /** The delivery state to mirror into D1 (so listings stay one query). */
  mirror: {
    status: WebhookEndpoint["status"];
    lastError: string | null;
    lastFailureAt: number | null;
    lastSuccessAt: number | null;
  };
  now: number;
}

/**
 * Runs the steps of one notice that are not done yet, each on its own: the operational event
 * through the account ledger's outbox (to the account's other endpoints), the D1 mirror and the
 * dashboard notice, the e-mail. Returns the notice with what got done; a step that failed is
 * tried again later. Never throws.
 */
export async function deliverNotice(deps: NoticeDeps, notice: Notice): Promise<Notice> {
  const { env, db, endpoint, now } = deps;
  // The dashboard notice and the e-mail say the same thing.
  const alert = {
    id: notice.id,
    accountId: endpoint.accountId,
    endpointId: endpoint.id,
    url: endpoint.url,
    type: notice.transition,
    detail: notice.detail,
    at: notice.at,
  };
  let done = notice.done;
  let failed = false;
  const run = async (bit: number, work: () => Promise<void>) => {
    if (done & bit) return;
    try {
      await work();
      done |= bit;
    } catch (error) {
      failed = true;
      console.error(
        JSON.stringify({
          level: "error",
          msg: "endpoint notice step failed",
          endpoint_id: endpoint.id,
          notice_id: notice.id,
          step: bit,
          error: String(error),
        }),
      );
    }
  };
  await run(STEP.ledger, async () => {
    const account = accountObject(env, endpoint.accountId);
    if (notice.transition === "endpoint.disabled") {
      // The account object matches events to endpoints: a disabled one gets no new events.
      await account.syncEndpoint(endpoint.accountId, endpoint);
    }
    await account.emitOperational(
      endpoint.accountId,
      notice.eventId,
      notice.transition,
      notice.data,
      endpoint.id,
      notice.at,
    );
  });
  await run(STEP.control, async () => {
    await db
      .update(webhookEndpoints)
      .set({
        ...deps.mirror,
        // The snapshot as it is now: a re-enable after the 410 (newer) must not be undone.
        ...(notice.transition === "endpoint.disabled"
          ? { active: endpoint.active, updatedAt: endpoint.updatedAt }
          : {}),
      })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await recordAlert(db, alert);
  });
  // The mail only after the notice is on record; given up after MAIL_TRIES (it is on record).
  if (done & STEP.control) {
    await run(STEP.mail, async () => {
      try {
        await mailAlert(db, deps.mailer, alert);
      } catch (error) {
        if (notice.attempts + 1 >= MAIL_TRIES) return;
        throw error;
      }
    });
  }
  const attempts = failed ? notice.attempts + 1 : notice.attempts;
  return { ...notice, done, attempts, nextAt: failed ? noticeRetryAt(attempts, now) : now };
}

/**
 * Sends the due notices one run at a time (a call during a run joins it), oldest first, until
 * none is due; what failed waits in the store for its retry time (the object's alarm).
 */
export class NoticeRunner {
  #run: Promise<void> | null = null;

  constructor(
    private readonly store: NoticeStore,
    private readonly deps: () => Promise<NoticeDeps | null>,
    private readonly now: () => number,
  ) {}

  flush(): Promise<void> {
    if (this.#run) return this.#run;
    const run = (async () => {
      // Yield first, so the `finally` below never runs before `#run` is set.
      await Promise.resolve();
      try {
        for (;;) {
          const due = this.store.due(this.now());
          const deps = due.length > 0 ? await this.deps() : null;
          if (!deps) return;
          for (const notice of due) this.store.save(await deliverNotice(deps, notice));
        }
      } finally {
        this.#run = null;
      }
    })();
    this.#run = run;
    return run;
  }
}
