import { describe, expect, it } from "vitest";
import { addMember, call, expectError, json, signup } from "../helpers";
import { clockedApp } from "../support/clocked";
import { createApiKey } from "../support/keys";
import { orgTree, subAccount } from "./support";

const as = (accountId: string) => ({ "switchboard-account": accountId });

describe("sub-accounts", () => {
  it("an admin creates sub-accounts with their own slug and parent, at any depth", async () => {
    const org = await signup();
    const { east, west, eastOne } = await orgTree(org);
    for (const child of [east, west]) {
      expect(child).toMatchObject({ parent_account_id: org.accountId, help_text: null });
      expect(child.id).toMatch(/^acct_/);
      expect(child.slug).not.toBe(org.slug);
    }
    expect(east.slug).not.toBe(west.slug);
    expect(eastOne.parent_account_id).toBe(east.id);

    const page = await json(await call("/v1/accounts?limit=1", { cookie: org.cookie }));
    expect(page.data).toHaveLength(1);
    expect(page.has_more).toBe(true);
    const rest = await json(
      await call(`/v1/accounts?limit=10&cursor=${page.next_cursor}`, { cookie: org.cookie }),
    );
    // Direct children only: the grandchild is listed under its own parent.
    const ids = [...page.data, ...rest.data].map((row: { id: string }) => row.id).sort();
    expect(ids).toEqual([east.id, west.id].sort());
    const below = await json(
      await call("/v1/accounts", { cookie: org.cookie, headers: as(east.id) }),
    );
    expect(below.data.map((row: { id: string }) => row.id)).toEqual([eastOne.id]);

    expect(await json(await call(`/v1/accounts/${eastOne.id}`, { cookie: org.cookie }))).toEqual(
      eastOne,
    );
    const renamed = await call(`/v1/accounts/${east.id}`, {
      method: "PATCH",
      cookie: org.cookie,
      body: { name: "East Coast" },
    });
    expect(await json(renamed)).toMatchObject({ id: east.id, name: "East Coast", slug: east.slug });
  });

  it("members read, only admins create or rename; keys cannot; bad input is 422", async () => {
    const org = await signup();
    const child = await subAccount(org);
    const member = await addMember(org, "member");
    await expectError(
      await call("/v1/accounts", { cookie: member.cookie, body: { name: "X" } }),
      403,
      "forbidden",
    );
    await expectError(
      await call(`/v1/accounts/${child.id}`, {
        method: "PATCH",
        cookie: member.cookie,
        body: { name: "X" },
      }),
      403,
      "forbidden",
    );
    expect((await call(`/v1/accounts/${child.id}`, { cookie: member.cookie })).status).toBe(200);
    const { key } = await createApiKey(org);
    await expectError(
      await call("/v1/accounts", { bearer: key, body: { name: "X" } }),
      403,
      "forbidden",
    );
    for (const body of [{}, { name: "" }, { name: "x".repeat(101) }, { name: "ok", extra: 1 }]) {
      await expectError(
        await call("/v1/accounts", { cookie: org.cookie, body }),
        422,
        "validation_failed",
      );
    }
    expect((await json(await call("/v1/accounts", { cookie: org.cookie }))).data).toHaveLength(1);
  });

  it("a child cannot read its parent, a sibling or itself through /v1/accounts/{id}", async () => {
    const org = await signup();
    const { east, west } = await orgTree(org);
    for (const target of [org.accountId, west.id, east.id, "acct_unknown000000000000000"]) {
      await expectError(
        await call(`/v1/accounts/${target}`, { cookie: org.cookie, headers: as(east.id) }),
        404,
        "not_found",
      );
    }
  });

  it("MAX_SUBACCOUNTS_PER_ACCOUNT limits direct sub-accounts (422 limit_reached)", async () => {
    const app = clockedApp({ MAX_SUBACCOUNTS_PER_ACCOUNT: "1" });
    const signupResponse = await app.fetch("/v1/auth/signup", {
      json: {
        account_name: "Limited",
        email: `limit${Date.now()}@example.com`,
        password: "correct horse battery",
      },
    });
    const cookie = /sb_session=[^;]+/.exec(signupResponse.headers.get("set-cookie") ?? "")![0];
    const first = await app.fetch("/v1/accounts", { cookie, json: { name: "One" } });
    expect(first.status).toBe(201);
    const second = await app.fetch("/v1/accounts", { cookie, json: { name: "Two" } });
    expect(second.status).toBe(422);
    expect((await json(second)).error).toMatchObject({
      code: "limit_reached",
      details: { limit: 1 },
    });
    // The limit is per account: the child may still have its own.
    const child = (await json(first)).id as string;
    const grandchild = await app.fetch("/v1/accounts", {
      cookie,
      json: { name: "One-A" },
      headers: as(child),
    });
    expect(grandchild.status).toBe(201);
  });
});
