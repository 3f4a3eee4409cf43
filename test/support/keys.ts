import { expect } from "vitest";
import { call, json, type TestAccount } from "../helpers";

export interface CreatedKey {
  id: string;
  key: string;
  body: Record<string, unknown>;
}

export async function createApiKey(
  admin: Pick<TestAccount, "cookie">,
  body: Record<string, unknown> = {},
): Promise<CreatedKey> {
  const response = await call("/v1/api-keys", {
    cookie: admin.cookie,
    body: { name: "Test key", environment: "production", ...body },
  });
  expect(response.status).toBe(201);
  const created = await json(response);
  return { id: created.id, key: created.key, body: created };
}

export async function revokeApiKey(admin: Pick<TestAccount, "cookie">, id: string) {
  const response = await call(`/v1/api-keys/${id}`, { method: "DELETE", cookie: admin.cookie });
  expect(response.status).toBe(200);
}

/** Replaces the last character: same shape, broken checksum. */
export const corruptChecksum = (secret: string) =>
  secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");

/** A revoked key answers 401 either as revoked (authority) or unknown (its KV route is gone). */
export const REVOKED = /^(api_key_revoked|invalid_api_key)$/;
