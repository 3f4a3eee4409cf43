import { describe, expect, it } from "vitest";
import { addMember, call, countRows, expectError, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";

const remove = (cookie: string, id: string) =>
  call(`/v1/users/${id}`, { method: "DELETE", cookie });

describe("DELETE /v1/users/{id}", () => {
  it("an admin removes a member: the member's sessions end at once and they leave the list", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    expect((await call("/v1/me", { cookie: member.cookie })).status).toBe(200);
    const response = await remove(admin.cookie, member.userId);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ id: member.userId, deleted: true });
    await expectError(await call("/v1/me", { cookie: member.cookie }), 401);
    const users = await json(await call("/v1/users", { cookie: admin.cookie }));
    expect(users.data.map((user: { id: string }) => user.id)).toEqual([admin.userId]);
    await expectError(await remove(admin.cookie, member.userId), 404);
  });

  it("keeps the last admin, refuses members, keys and other accounts, and changes nothing", async () => {
    const admin = await signup();
    const member = await addMember(admin);
    const stranger = await signup();
    const before = await countRows("users");
    await expectError(await remove(admin.cookie, admin.userId), 409, "conflict");
    await expectError(await remove(member.cookie, admin.userId), 403);
    await expectError(await remove(stranger.cookie, member.userId), 404);
    const { key } = await createApiKey(admin);
    await expectError(
      await call(`/v1/users/${member.userId}`, { method: "DELETE", bearer: key }),
      403,
    );
    await expectError(await call(`/v1/users/${member.userId}`, { method: "DELETE" }), 401);
    expect(await countRows("users")).toBe(before);
    expect((await call("/v1/me", { cookie: member.cookie })).status).toBe(200);
  });

  it("a second admin can be removed, also by themselves", async () => {
    const admin = await signup();
    const second = await addMember(admin, "admin");
    expect((await remove(second.cookie, second.userId)).status).toBe(200);
    await expectError(await call("/v1/me", { cookie: second.cookie }), 401);
    await expectError(await remove(admin.cookie, admin.userId), 409);
  });
});
