import { describe, expect, it } from "vitest";
import { call, signup } from "../helpers";
import { createApiKey } from "../support/keys";
import type { FuzzCase } from "./arbitraries";
import { problemOf } from "./run";
import { difference, snapshot } from "./snapshot";

/** The fuzzer's own checks must be able to fail, or a green fuzz run proves nothing. */
const GET = { method: "GET" } as FuzzCase;
const answer = (status: number, body: unknown) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), { status });

describe("the fuzzer's checks", () => {
  it("flag a 500, a wrong shape, a code that does not match its status, and a stack trace", async () => {
    const error = (code: string, message = "x") => ({ error: { code, message } });
    expect(await problemOf(GET, answer(500, error("internal_error")))).toMatch(/500/);
    expect(await problemOf(GET, answer(503, error("unavailable")))).toMatch(/503/);
    expect(await problemOf(GET, answer(422, { message: "no" }))).toMatch(/§9 shape/);
    expect(await problemOf(GET, answer(422, error("made_up")))).toMatch(/§9 shape/);
    expect(await problemOf(GET, answer(400, "<html>oops</html>"))).toMatch(/not JSON/);
    expect(await problemOf(GET, answer(404, error("validation_failed")))).toMatch(/answered 404/);
    expect(
      await problemOf(GET, answer(400, error("bad_request", "at handler (src/app.ts:12:3)"))),
    ).toMatch(/internals/);
    expect(await problemOf(GET, answer(422, error("validation_failed")))).toBeUndefined();
    expect(await problemOf(GET, answer(503, error("not_configured")))).toBeUndefined();
  });

  it("the state comparison sees a write to D1 and to an account's object, not a key's use", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    const before = await snapshot([admin.accountId]);
    // Using a key (last_used_at) is bookkeeping, not a change.
    await (await call("/v1/contacts", { bearer: key })).arrayBuffer();
    expect(difference(before, await snapshot([admin.accountId]))).toEqual({
      added: [],
      removed: [],
    });
    await (
      await call("/v1/contacts", { bearer: key, body: { phone: "+15555550177" } })
    ).arrayBuffer();
    const afterContact = await snapshot([admin.accountId]);
    expect(difference(before, afterContact).added.join("\n")).toMatch(/\.contacts /);
    await (
      await call("/v1/accounts", { cookie: admin.cookie, body: { name: "Sub" } })
    ).arrayBuffer();
    expect(difference(afterContact, await snapshot([admin.accountId])).added.join("\n")).toMatch(
      /^d1\.accounts /m,
    );
  });
});
