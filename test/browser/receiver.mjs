// A local HTTP receiver for webhook deliveries: answers each request with the next status of a
// script (the last one repeats) and records what arrived.
import { createServer } from "node:http";

export function startScriptedReceiver(statuses = [200]) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const status = statuses[Math.min(requests.length, statuses.length - 1)];
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 300 ? "ok" : "try again");
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/hooks/health`,
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** Polls check() until it returns a truthy value (bounded; real deliveries take real time). */
export async function eventually(
  check,
  { timeoutMs = 30_000, everyMs = 200, what = "condition" } = {},
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
