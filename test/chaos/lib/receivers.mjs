// Loopback webhook receivers for the crash-restart test. Each server has a `mode` that the
// scenario flips between rounds, so endpoints fail (500, dropped connection, no answer before the
// sender's timeout) and recover while the worker is being killed. Every request is recorded;
// only a 2xx answered within the sender's timeout counts as delivered.
import { createServer } from "node:http";

/** Modes a receiver can be in; the first two answer 2xx. */
export const MODES = ["ok", "slow", "error", "drop", "hang"];
const DELIVERING = new Set(["ok", "slow"]);
const SLOW_MAX_MS = 400;

/**
 * Starts one receiver. `hangMs` must exceed the worker's WEBHOOK_TIMEOUT_MS, so a hung request is
 * a timeout for the sender. Requests are routed by path (`/hook/<endpoint key>`).
 */
export async function startChaosReceiver(name, { hangMs, random = Math.random }) {
  const state = { mode: "ok" };
  /** Every request: { endpoint, webhookId, type, resourceId, mode, delivered, at }. */
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const mode = state.mode;
      let event = {};
      try {
        event = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        // recorded with no type and id: a malformed body is itself a finding
      }
      const record = {
        endpoint: decodeURIComponent(req.url.replace(/^\/hook\//, "")),
        webhookId: String(req.headers["webhook-id"] ?? ""),
        eventId: event.id ?? null,
        type: event.type ?? null,
        resourceId: event.data?.id ?? null,
        mode,
        delivered: DELIVERING.has(mode),
        at: Date.now(),
      };
      requests.push(record);
      if (mode === "ok") return answer(res, 200);
      if (mode === "slow") {
        setTimeout(() => answer(res, 200), Math.floor(random() * SLOW_MAX_MS));
        return;
      }
      if (mode === "error") return answer(res, 500);
      if (mode === "drop") return req.socket.destroy();
      setTimeout(() => req.socket.destroy(), hangMs);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    name,
    state,
    requests,
    urlFor: (endpointKey) => `http://127.0.0.1:${port}/hook/${encodeURIComponent(endpointKey)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res, status) {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(status < 300 ? "ok" : "receiver says no");
}
