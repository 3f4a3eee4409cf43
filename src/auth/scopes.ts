import type { Role } from "../db/schema";

export const SCOPES = [
  "messages:read",
  "messages:write",
  "calls:read",
  "calls:write",
  "contacts:read",
  "contacts:write",
  "webhooks:read",
  "webhooks:write",
  "events:read",
] as const;
export type Scope = (typeof SCOPES)[number];

export const isScope = (value: string): value is Scope =>
  (SCOPES as readonly string[]).includes(value);

/** A dashboard session acts with its role: admins may do everything, members may only read. */
export function scopesForRole(role: Role): ReadonlySet<Scope> {
  return new Set(role === "admin" ? SCOPES : SCOPES.filter((scope) => scope.endsWith(":read")));
}
