import { createPublicKey, verify } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/**
 * A real HTTP receiver on loopback, started once for the whole run (in Node, outside workerd).
 * `POST /hook/<name>` records the request and answers from that name's script;
 * `POST /__control/<name>` sets the script ({ statuses, delay_ms, body, headers, stream_bytes,
 * verify_public_key, delays_ms }): `stream_bytes` answers with that many bytes, written slowly, and logs
 * whether the sender hung up first; `verify_public_key` (`whpk_…`) checks each delivery's `v1a`
 * signature here in Node (OpenSSL's ed25519, independent of the worker's WebCrypto);
 * `GET /__log/<name>` returns what was received. Names are unique per test, so tests never share.
 */
interface Script {
  statuses: number[];
  delay_ms?: number;
  body?: string;
  headers?: Record<string, string>;
  stream_bytes?: number;
  verify_public_key?: string;
  /** Per-request delays, consumed like `statuses` (the last one repeats). */
  delays_ms?: number[];
}

interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  received_at: number;
  responded_at?: number;
  /** For `stream_bytes`: bytes written before the sender hung up, and whether it did. */
  streamed_bytes?: number;
  hung_up?: boolean;
  v1a_valid?: boolean;
}

/** Standard Webhooks v1a: ed25519 over "{id}.{timestamp}.{body}", checked with node:crypto. */
function verifyV1a(publicKey: string, headers: IncomingMessage["headers"], body: string): boolean {
  const raw = Buffer.from(publicKey.replace(/^whpk_/, ""), "base64");
  // SPKI DER prefix for a raw ed25519 public key.
  const der = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]);
  const key = createPublicKey({ key: der, format: "der", type: "spki" });
  const signed = Buffer.from(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`);
  return String(headers["webhook-signature"] ?? "")
    .split(" ")
    .filter((part) => part.startsWith("v1a,"))
    .some((part) => verify(null, signed, key, Buffer.from(part.slice(4), "base64")));
}

async function stream(response: ServerResponse, total: number, entry: Received): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, "x");
  entry.streamed_bytes = 0;
  entry.hung_up = false;
  response.on("close", () => {
    if (!response.writableFinished) entry.hung_up = true;
  });
  response.writeHead(200, { "content-type": "text/plain" });
  while (entry.streamed_bytes < total && !response.destroyed) {
    response.write(chunk);
    entry.streamed_bytes += chunk.length;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!response.destroyed) response.end();
}

declare module "vitest" {
  interface ProvidedContext {
    receiverUrl: string;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export default async function setup(project: TestProject) {
  const scripts = new Map<string, Script>();
  const logs = new Map<string, Received[]>();

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    const [, kind, name = ""] = url.pathname.split("/");
    const body = await readBody(request);
    if (kind === "__control" && request.method === "POST") {
      scripts.set(name, JSON.parse(body) as Script);
      response.writeHead(204).end();
      return;
    }
    if (kind === "__log") {
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify(logs.get(name) ?? []));
      return;
    }
    if (kind !== "hook") {
      response.writeHead(404).end();
      return;
    }
    const entries = logs.get(name) ?? [];
    const script = scripts.get(name) ?? { statuses: [200] };
    const entry: Received = {
      method: request.method ?? "",
      path: url.pathname + url.search,
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
      ),
      body,
      received_at: Date.now(),
      ...(script.verify_public_key
        ? { v1a_valid: verifyV1a(script.verify_public_key, request.headers, body) }
        : {}),
    };
    entries.push(entry);
    logs.set(name, entries);
    if (script.stream_bytes) {
      await stream(response, script.stream_bytes, entry);
      return;
    }
    const status =
      script.statuses.length > 1 ? (script.statuses.shift() ?? 200) : (script.statuses[0] ?? 200);
    const delays = script.delays_ms;
    const delay =
      delays && delays.length > 0
        ? delays.length > 1
          ? (delays.shift() ?? 0)
          : (delays[0] ?? 0)
        : script.delay_ms;
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    entry.responded_at = Date.now();
    if (response.destroyed) return;
    response
      .writeHead(status, { "content-type": "text/plain", ...script.headers })
      .end(script.body ?? `status ${status}`);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("receiverUrl", `http://127.0.0.1:${port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}
