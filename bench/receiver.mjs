// A fast loopback webhook receiver running in its own worker thread, so the benchmark client's
// work never delays (or timestamps late) what the receiver sees. The main thread controls it with
// messages; a SharedArrayBuffer counter lets the main thread watch progress without copying logs.
import { createServer } from "node:http";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const now = () => performance.timeOrigin + performance.now();

if (!isMainThread) runReceiver();

function runReceiver() {
  const counters = new Int32Array(workerData.shared); // [0] = 2xx answers, [1] = all requests
  let status = 200;
  let log = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const t = now();
      const answered = status;
      let id = null;
      let createdAt = null;
      let type = null;
      let ref = null;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        id = body.id ?? null;
        createdAt = body.created_at ? Date.parse(body.created_at) : null;
        type = body.type ?? null;
        ref = body.data?.id ?? null; // e.g. the message id of a message.* event
      } catch {
        // a non-JSON body (the ceiling client sends JSON too, so this is unexpected): id null
      }
      log.push({ path: req.url, id, type, ref, createdAt, status: answered, t });
      Atomics.add(counters, 1, 1);
      if (answered < 300) Atomics.add(counters, 0, 1);
      res.writeHead(answered, { "content-type": "text/plain", "content-length": "2" });
      res.end(answered < 300 ? "ok" : "no");
    });
  });
  server.keepAliveTimeout = 10_000;
  server.maxRequestsPerSocket = 0;
  server.listen(0, "127.0.0.1", () => {
    parentPort.postMessage({ type: "listening", port: server.address().port });
  });
  parentPort.on("message", (message) => {
    switch (message.type) {
      case "status":
        status = message.status;
        parentPort.postMessage({ type: "ack", seq: message.seq, t: now() });
        break;
      case "reset":
        log = [];
        Atomics.store(counters, 0, 0);
        Atomics.store(counters, 1, 0);
        parentPort.postMessage({ type: "ack", seq: message.seq });
        break;
      case "take":
        parentPort.postMessage({ type: "log", seq: message.seq, log });
        log = [];
        break;
      case "close":
        server.closeAllConnections();
        server.close(() => parentPort.postMessage({ type: "ack", seq: message.seq }));
        break;
    }
  });
}

/**
 * Starts the receiver thread. Returns `{ url(path), setStatus(code), reset(), take(), ok(),
 * total(), close() }`. `take()` returns (and clears) the log of every request since the last
 * take/reset: `{ path, id, type, ref, createdAt, status, t }` with `t` in epoch ms (sub-ms
 * precision) and `ref` the envelope's `data.id` (a message.* event's message id).
 */
export async function startBenchReceiver() {
  const shared = new SharedArrayBuffer(8);
  const counters = new Int32Array(shared);
  const worker = new Worker(new URL(import.meta.url), { workerData: { shared } });
  const pending = new Map();
  let seq = 0;
  const port = await new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", (message) => resolve(message.port));
  });
  worker.on("message", (message) => {
    const resolve = pending.get(message.seq);
    if (resolve) {
      pending.delete(message.seq);
      resolve(message);
    }
  });
  const call = (message) =>
    new Promise((resolve) => {
      const id = ++seq;
      pending.set(id, resolve);
      worker.postMessage({ ...message, seq: id });
    });
  return {
    url: (path = "/hook") => `http://127.0.0.1:${port}${path}`,
    port,
    /** Resolves once the receiver answers with `status`; returns the switch time (epoch ms). */
    setStatus: async (status) => (await call({ type: "status", status })).t,
    reset: () => call({ type: "reset" }),
    take: async () => (await call({ type: "take" })).log,
    ok: () => Atomics.load(counters, 0),
    total: () => Atomics.load(counters, 1),
    close: async () => {
      await call({ type: "close" });
      await worker.terminate();
    },
  };
}
