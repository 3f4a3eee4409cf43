import type { ApiKey } from "../db/schema";
import { toIso, toIsoOrNull } from "../lib/time";
import { maskSecret } from "./secret";

/** Seed 001 advises rotating every 90 days; older keys are flagged in listings. */
export const ROTATION_DUE_MS = 90 * 24 * 60 * 60 * 1000;

export function keyStatus(key: ApiKey, now: number): "active" | "expiring" | "expired" | "revoked" {
  if (key.revokedAt !== null) return key.revokedAt > now ? "expiring" : "revoked";
  if (key.expiresAt !== null && key.expiresAt <= now) return "expired";
  return "active";
}

export const keyResource = (key: ApiKey, now: number) => ({
  id: key.id,
  name: key.name,
  description: key.description,
  environment: key.environment,
  livemode: key.environment === "production",
  scopes: key.scopes,
  prefix: key.prefix,
  masked: maskSecret(key.prefix, key.lastFour),
  status: keyStatus(key, now),
  last_used_at: toIsoOrNull(key.lastUsedAt),
  created_at: toIso(key.createdAt),
  created_by: key.createdBy,
  expires_at: toIsoOrNull(key.expiresAt),
  revoked_at: toIsoOrNull(key.revokedAt),
  rotated_from: key.rotatedFrom,
  rotation_due: now - key.createdAt > ROTATION_DUE_MS,
});
