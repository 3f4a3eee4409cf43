/**
 * Slugs share the URL space with the product's own top-level paths (`/{slug}/integrations`), so
 * these are never issued.
 */
export const RESERVED_SLUGS = new Set([
  "v1",
  "v2",
  "api",
  "docs",
  "openapi.json",
  "healthz",
  "login",
  "logout",
  "signup",
  "dashboard",
  "app",
  "admin",
  "static",
  "assets",
  "auth",
  "carrier",
  "webhooks",
  "integrations",
  "favicon.ico",
  "robots.txt",
  "www",
]);

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
  return base.length >= 2 ? base : `account${base ? `-${base}` : ""}`;
}

/** Candidates in the order they are tried: the plain slug, then numbered variants. */
export function slugCandidates(name: string, count = 20): string[] {
  const base = slugify(name);
  const candidates: string[] = [];
  for (let i = 1; candidates.length < count; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    if (!RESERVED_SLUGS.has(slug)) candidates.push(slug);
  }
  return candidates;
}
