import { describe, expect, it } from "vitest";
import { call, json, signup } from "../helpers";
import { createApiKey } from "../support/keys";

describe("contacts: the tag filter pages like any other filter", () => {
  it("a page is full and has_more is true whenever more tagged contacts exist", async () => {
    const admin = await signup();
    const { key } = await createApiKey(admin, { environment: "test" });
    // Tagged contacts interleaved with untagged ones, so a filter after LIMIT would come up short.
    for (let i = 0; i < 6; i++) {
      const tags = i % 2 === 0 ? ["VIP"] : ["Cold"];
      const phone = `+1555555060${i}`;
      expect((await call("/v1/contacts", { bearer: key, body: { phone, tags } })).status).toBe(201);
    }
    const first = await json(await call("/v1/contacts?tag=VIP&limit=2", { bearer: key }));
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    const second = await json(
      await call(`/v1/contacts?tag=VIP&limit=2&cursor=${first.next_cursor}`, { bearer: key }),
    );
    expect(second.data).toHaveLength(1);
    expect(second.has_more).toBe(false);
    const all = [...first.data, ...second.data];
    expect(all.every((contact: { tags: string[] }) => contact.tags.includes("VIP"))).toBe(true);
  });
});
