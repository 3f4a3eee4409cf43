import { describe, expect, it } from "vitest";
import type { Scope } from "../../src/auth/scopes";
import { SCOPES } from "../../src/auth/scopes";
import { generateSecret } from "../../src/keys/secret";
import {
  addMember,
  type CallOptions,
  call,
  expectError,
  signup,
  type TestAccount,
} from "../helpers";
import { corruptChecksum, createApiKey, REVOKED, revokeApiKey } from "./keys";

/**
 * The shared security suite: every route states who may call it, and this checks the five ways in
 * which a caller can be wrong (no credential, bad key, revoked key, wrong scope, other account).
 */
export interface SecuredRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Builds the path; `ownedId` is the id `setup` returned for the account under test. */
  path: (ownedId: string) => string;
  body?: unknown;
  /** API keys need this scope. Omit for routes API keys may never call (dashboard-only). */
  scope?: Scope;
  /** Sessions of members are refused (key management, user management). */
  adminOnly?: boolean;
  /** Creates an object owned by `account`; when given, other accounts must get 404 for it. */
  setup?: (account: TestAccount) => Promise<string>;
}

const noScopeExcept = (scope: Scope | undefined) =>
  SCOPES.filter((candidate) => candidate !== scope).slice(0, 2);

export function securitySuite(name: string, route: SecuredRoute) {
  describe(`security: ${route.method} ${name}`, () => {
    const request = (ownedId: string, auth: Pick<CallOptions, "cookie" | "bearer">) =>
      call(route.path(ownedId), {
        method: route.method,
        ...(route.body === undefined ? {} : { body: route.body }),
        ...auth,
      });

    async function ownedBy(account: TestAccount) {
      return route.setup ? route.setup(account) : "none";
    }

    it("refuses a request with no credential (401)", async () => {
      const owner = await signup();
      await expectError(await request(await ownedBy(owner), {}), 401);
    });

    it("refuses a malformed or mistyped key (401)", async () => {
      const owner = await signup();
      const id = await ownedBy(owner);
      await expectError(await request(id, { bearer: "not-a-key" }), 401, "invalid_api_key");
      const { key } = await createApiKey(owner);
      await expectError(
        await request(id, { bearer: corruptChecksum(key) }),
        401,
        "invalid_api_key",
      );
      await expectError(
        await request(id, { bearer: generateSecret("production") }),
        401,
        "invalid_api_key",
      );
    });

    it("refuses a revoked key (401)", async () => {
      const owner = await signup();
      const id = await ownedBy(owner);
      const { id: keyId, key } = await createApiKey(owner);
      await revokeApiKey(owner, keyId);
      await expectError(await request(id, { bearer: key }), 401, REVOKED);
    });

    it("refuses a key without the route's scope (403)", async () => {
      const owner = await signup();
      const id = await ownedBy(owner);
      const { key } = await createApiKey(owner, { scopes: noScopeExcept(route.scope) });
      const error = await expectError(await request(id, { bearer: key }), 403);
      if (route.scope) expect(error.message).toContain(route.scope);
      if (!route.scope) {
        const { key: everything } = await createApiKey(owner);
        await expectError(await request(id, { bearer: everything }), 403);
      }
    });

    if (route.adminOnly) {
      it("refuses a member's session (403)", async () => {
        const owner = await signup();
        const member = await addMember(owner, "member");
        await expectError(await request(await ownedBy(owner), { cookie: member.cookie }), 403);
      });
    }

    if (route.setup) {
      it("answers 404 for another account's object", async () => {
        const owner = await signup();
        const id = await ownedBy(owner);
        const stranger = await signup();
        await expectError(await request(id, { cookie: stranger.cookie }), 404, "not_found");
        if (route.scope) {
          const { key } = await createApiKey(stranger);
          await expectError(await request(id, { bearer: key }), 404, "not_found");
        }
      });
    }
  });
}
