import { lt } from "drizzle-orm";
import type { Database } from "./client";
import { sessions } from "./schema";

/**
 * The daily sweep of the control plane (D1): sessions past their expiry. The high-volume records
 * live in the account objects, which enforce their own retention by alarm.
 */
export async function sweepControlPlane(db: Database, now: number) {
  const expired = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ id: sessions.id });
  return { sessions: expired.length };
}
