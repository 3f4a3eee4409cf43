// The worker isolate's JavaScript heap, read over the DevTools protocol through wrangler dev's
// inspector proxy (the port startWrangler passes as --inspector-port). Under wrangler dev,
// workerd's resident memory grows with every request even for a worker that only answers
// /healthz (measured; see docs/deploy.md), so RSS cannot tell a leak in the product from the
// local runtime's own bookkeeping; the heap's low points (right after each GC) can.

const CALL_TIMEOUT_MS = 10_000;
const SNAPSHOT_TIMEOUT_MS = 60_000;

/**
 * Connects to the isolate's inspector. Returns `{ heapMiB(), close() }`: `heapMiB` is the used JS
 * heap in MiB (workerd answers no HeapProfiler.collectGarbage through the proxy, so it is the heap
 * as it stands, garbage included).
 */
export async function connectHeap(inspectorPort) {
  // The proxy only accepts DevTools clients from a local origin.
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`, {
    headers: { origin: "http://127.0.0.1" },
  });
  const pending = new Map();
  let nextId = 0;
  ws.onmessage = (message) => {
    const data = JSON.parse(message.data);
    const entry = data.id === undefined ? null : pending.get(data.id);
    if (!entry) return; // an event (console output, contexts), not an answer
    pending.delete(data.id);
    clearTimeout(entry.timer);
    if (data.error) entry.reject(new Error(`${entry.method}: ${data.error.message}`));
    else entry.resolve(data.result);
  };
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("inspector did not open")), CALL_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the inspector on port ${inspectorPort}`));
    };
  });
  const call = (method, params = {}, timeoutMs = CALL_TIMEOUT_MS) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer, method });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    /**
     * The heap after a full collection: V8 collects all garbage before it takes a heap snapshot
     * (the only way to force a GC that workerd answers through the proxy; its chunks are dropped).
     */
    async collectedHeapMiB() {
      await call("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, SNAPSHOT_TIMEOUT_MS);
      return this.heapMiB();
    },
    async heapMiB() {
      const { usedSize } = await call("Runtime.getHeapUsage");
      return Math.round((usedSize / 1024 / 1024) * 10) / 10;
    },
    close() {
      for (const entry of pending.values()) clearTimeout(entry.timer);
      ws.close();
    },
  };
}
