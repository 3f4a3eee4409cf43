import { DurableObject } from "cloudflare:workers";
import {
  type Limit,
  refund,
  type TakeResult,
  type ThrottleWindow,
  take,
} from "../auth/throttle-window";

const KEY = "window";

/**
 * One attempt counter (src/auth/throttle-window.ts), named by a hashed client IP or e-mail
 * (src/auth/throttle.ts). A single object serialises its callers, so the count is exact. Its one
 * stored value is deleted by an alarm once a window has passed without attempts.
 */
export class Throttle extends DurableObject<Env> {
  #window: ThrottleWindow | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.#window = (await ctx.storage.get<ThrottleWindow>(KEY)) ?? null;
    });
  }

  /** Takes one attempt at `now` (the request's clock), or refuses with Retry-After seconds. */
  async take(now: number, limit: Limit): Promise<TakeResult> {
    const result = take(this.#window, now, limit);
    if (result.ok) await this.#save(result.window, limit.windowMs);
    return result;
  }

  /** Gives back an attempt taken in the window that opened at `start`. */
  async refund(start: number): Promise<void> {
    const next = refund(this.#window, start);
    if (next !== this.#window && next) await this.#save(next, 0);
  }

  override async alarm(): Promise<void> {
    this.#window = null;
    await this.ctx.storage.deleteAll();
  }

  async #save(window: ThrottleWindow, windowMs: number): Promise<void> {
    this.#window = window;
    await this.ctx.storage.put(KEY, window);
    // Wall time, not the request's clock: this only bounds how long the counter is kept.
    if (windowMs > 0) await this.ctx.storage.setAlarm(Date.now() + windowMs);
  }
}
