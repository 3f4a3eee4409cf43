import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/**
 * A real HTTP receiver on loopback, started once for the whole run (in Node, outside workerd).
 * `POST /hook/<name>` records the request and answers from that name's script;
 * `POST /__control/<name>` sets the script ({ statuses, delay_ms, body, headers });
 * `GET /__log/<name>` returns what was received. Names are unique per test, so tests never share.
 */
interface Script {
  statuses: number[];
  delay_ms?: number;
  body?: string;
  headers?: Record<string, string>;
}

interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  received_at: number;
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
    entries.push({
      method: request.method ?? "",
      path: url.pathname + url.search,
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
      ),
      body,
      received_at: Date.now(),
    });
    logs.set(name, entries);
    const script = scripts.get(name) ?? { statuses: [200] };
    const status =
      script.statuses.length > 1 ? (script.statuses.shift() ?? 200) : (script.statuses[0] ?? 200);
    if (script.delay_ms) await new Promise((resolve) => setTimeout(resolve, script.delay_ms));
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
