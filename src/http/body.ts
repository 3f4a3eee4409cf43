import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "./context";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json(ld)?$/i;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Reads a request body, refusing (413) past `maxBytes` whether or not a length was declared. */
export async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const UNPAIRED = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a parsed JSON value holds a string (key or value) with an unpaired surrogate. JSON's
 * `\uD800` escapes can spell one although it is no character: it would be answered back as
 * written but stored as U+FFFD (SQLite keeps UTF-8), so the stored object would differ from the
 * 201. Iterative, as bodies may nest deeper than the stack.
 */
export function hasUnpairedSurrogate(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === "string") {
      if (UNPAIRED.test(next)) return true;
    } else if (Array.isArray(next)) {
      for (const child of next) pending.push(child);
    } else if (next !== null && typeof next === "object") {
      for (const [key, child] of Object.entries(next)) {
        if (UNPAIRED.test(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

const tooLarge = (maxBytes: number) =>
  new ApiError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`);

/**
 * Checks size, media type and JSON syntax once, before any handler or validator runs, then hands
 * the validators a request that is plainly `application/json` (an empty body reads as `{}` so
 * missing fields surface as 422s). `anyContentType` is for routes whose documented callers send
 * JSON under another label (seed 003's curl sends form-urlencoded).
 */
export const parseJsonBody = (options: { anyContentType?: (path: string) => boolean } = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!BODY_METHODS.has(c.req.method)) return next();
    const bytes = await readLimited(c.req.raw, c.get("config").maxBodyBytes);
    let text = "{}";
    if (bytes.byteLength > 0) {
      const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
      if (!options.anyContentType?.(c.req.path) && !JSON_MEDIA_TYPE.test(mediaType)) {
        throw new ApiError(
          "unsupported_media_type",
          "Request bodies must be JSON; send `Content-Type: application/json`.",
        );
      }
      let parsed: unknown;
      try {
        text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
        parsed = JSON.parse(text);
      } catch {
        throw new ApiError("invalid_json", "The request body is not valid JSON.");
      }
      // Only bodies that spell a surrogate escape at all are walked.
      if (SURROGATE_ESCAPE.test(text) && hasUnpairedSurrogate(parsed)) {
        throw new ApiError(
          "invalid_json",
          "The request body is not valid JSON text: it escapes an unpaired UTF-16 surrogate (\\uD800–\\uDFFF), which is not a character.",
        );
      }
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: text });
    return next();
  });
