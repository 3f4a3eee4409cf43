import { exports } from "cloudflare:workers";
import { operations } from "./spec";

/** Fields that move on their own between a write and the read that follows it. */
const MOVING = new Set([
  "status",
  "updated_at",
  "last_used_at",
  "pending_count",
  "last_success_at",
  "last_failure_at",
  "last_error",
]);
const documented = new Set(operations.map((op) => op.key));

/**
 * Where the object a 2xx write answered with can be read again: `POST /things` → `GET
 * /things/{id}`, and `PUT`/`PATCH /things/{id}` → `GET` of the same path, when documented.
 */
function readPath(template: string, method: string, path: string, id: unknown): string | null {
  if (method === "POST" && typeof id === "string" && documented.has(`GET ${template}/{id}`))
    return `${path.split("?")[0]}/${encodeURIComponent(id)}`;
  if ((method === "PATCH" || method === "PUT") && documented.has(`GET ${template}`))
    return path.split("?")[0] ?? null;
  return null;
}

/**
 * "What was answered is what was stored": after an accepted write, the same credential reads
 * the object back and every scalar field both answers share must be equal (found the lone
 * surrogate bug: answered as sent, stored as U+FFFD).
 */
export async function readBackProblem(
  template: string,
  request: Request,
  answer: string,
): Promise<string | undefined> {
  let written: Record<string, unknown>;
  try {
    written = JSON.parse(answer) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const url = new URL(request.url);
  const path = readPath(template, request.method, url.pathname, written?.id);
  if (!path) return undefined;
  const headers = new Headers(request.headers);
  for (const name of ["content-type", "idempotency-key"]) headers.delete(name);
  const response = await exports.default.fetch(new Request(`${url.origin}${path}`, { headers }));
  if (response.status !== 200) {
    await response.arrayBuffer();
    return undefined;
  }
  const read = (await response.json()) as Record<string, unknown>;
  const differing = differences(written, read, "");
  if (differing.length === 0) return undefined;
  return `answered ≠ stored for ${differing.join("; ")}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Fields both answers have, compared; a create may show more (a secret) than a read. */
function differences(a: Record<string, unknown>, b: Record<string, unknown>, at: string): string[] {
  return Object.keys(a).flatMap((key) => {
    if (MOVING.has(key) || !(key in b)) return [];
    const [x, y] = [a[key], b[key]];
    if (isObject(x) && isObject(y)) return differences(x, y, `${at}${key}.`);
    if (JSON.stringify(x) === JSON.stringify(y)) return [];
    return [`${at}${key}: ${JSON.stringify(x).slice(0, 80)} vs ${JSON.stringify(y).slice(0, 80)}`];
  });
}
