import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { forgetGithubKeys } from "../../src/keys/github-keys";
import { derToP1363 } from "../../src/keys/github-signature";
import { generateSecret } from "../../src/keys/secret";
import { call, expectError, json, signup } from "../helpers";
import { harness } from "../http/harness";
import { createApiKey, REVOKED } from "../support/keys";
import { newReceiver } from "../support/receiver";

/** What GitHub does: ECDSA P-256 over the raw body, signature sent as base64 ASN.1 DER. */
function p1363ToDer(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.subarray(start);
    return (trimmed[0] ?? 0) & 0x80
      ? [0x02, trimmed.length + 1, 0, ...trimmed]
      : [0x02, trimmed.length, ...trimmed];
  };
  const body = [...int(raw.subarray(0, 32)), ...int(raw.subarray(32))];
  return new Uint8Array([0x30, body.length, ...body]);
}

const b64 = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)));

let signer: CryptoKeyPair;
let keysDocument: string;
const KEY_ID = "90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a";

beforeAll(async () => {
  signer = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const spki = await crypto.subtle.exportKey("spki", signer.publicKey);
  const pem = `-----BEGIN PUBLIC KEY-----\n${b64(spki as ArrayBuffer)}\n-----END PUBLIC KEY-----\n`;
  keysDocument = JSON.stringify({
    public_keys: [{ key_identifier: KEY_ID, key: pem, is_current: true }],
  });
});

async function signed(payload: string, keyId = KEY_ID) {
  const raw = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    signer.privateKey,
    new TextEncoder().encode(payload),
  );
  return {
    "github-public-key-identifier": keyId,
    "github-public-key-signature": b64(p1363ToDer(new Uint8Array(raw as ArrayBuffer))),
  };
}

function scanner(vars: Record<string, unknown> = {}) {
  const app = harness({ vars: { SECRET_SCANNING_PUBLIC_KEYS: keysDocument, ...vars } });
  return async (findings: unknown, headers?: Record<string, string>) => {
    const payload = JSON.stringify(findings);
    return app.send("/v1/secret-scanning/github", {
      method: "POST",
      rawBody: payload,
      headers: {
        "content-type": "application/json",
        ...(headers ?? (await signed(payload))),
      },
    });
  };
}

const finding = (token: string) => ({
  token,
  type: "switchboard_api_key",
  url: "https://github.com/octo/leaky/blob/main/.env",
  source: "content",
});

describe("GitHub secret scanning reports", () => {
  it("revokes a reported live key at once, audits why and mails the admins", async () => {
    const admin = await signup();
    const leaked = await createApiKey(admin, { environment: "production" });
    const kept = await createApiKey(admin, { environment: "production" });
    const mails = vi.spyOn(console, "log");
    const response = await scanner()([finding(leaked.key)]);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual([
      { token_raw: leaked.key, token_type: "switchboard_api_key", label: "true_positive" },
    ]);
    await expectError(await call("/v1/messages", { bearer: leaked.key }), 401, REVOKED);
    expect((await call("/v1/messages", { bearer: kept.key })).status).toBe(200);
    const audit = await json(await call("/v1/audit-events", { cookie: admin.cookie }));
    const entry = audit.data.find(
      (row: { action: string; target_id: string }) =>
        row.action === "api_key.revoked" && row.target_id === leaked.id,
    );
    expect(entry.metadata).toMatchObject({
      reason: "exposed",
      url: finding("").url,
      source: "content",
    });
    expect(entry.actor_user_id).toBeNull();
    const mailed = mails.mock.calls
      .map((args) => String(args[0]))
      .filter((line) => line.includes("API key exposed"));
    expect(mailed).toHaveLength(1);
    expect(mailed[0]).toContain(admin.email);
    mails.mockRestore();
  });

  it("ends a rotated key's grace period too", async () => {
    const admin = await signup();
    const old = await createApiKey(admin);
    const rotated = await call(`/v1/api-keys/${old.id}/rotate`, {
      cookie: admin.cookie,
      body: { grace_period_seconds: 86_400 },
    });
    expect(rotated.status).toBe(201);
    expect((await call("/v1/messages", { bearer: old.key })).status).toBe(200);
    const response = await scanner()([finding(old.key)]);
    expect((await json(response))[0].label).toBe("true_positive");
    await expectError(await call("/v1/messages", { bearer: old.key }), 401, REVOKED);
    const replacement = (await json(rotated)).key as string;
    expect((await call("/v1/messages", { bearer: replacement })).status).toBe(200);
  });

  it("labels foreign, mistyped and unknown tokens false_positive and changes nothing", async () => {
    const admin = await signup();
    const key = await createApiKey(admin);
    const report = [
      finding("ghp_notOursAtAll"),
      finding(`${key.key.slice(0, -1)}x`),
      finding(generateSecret("production")),
      finding(generateSecret("test")),
    ];
    const response = await scanner()(report);
    expect(response.status).toBe(200);
    const verdicts = await json<{ label: string }[]>(response);
    expect(verdicts.map((v) => v.label)).toEqual(Array(4).fill("false_positive"));
    expect((await call("/v1/messages", { bearer: key.key })).status).toBe(200);
  });

  it("a replayed report is harmless: one revocation, one audit record", async () => {
    const admin = await signup();
    const leaked = await createApiKey(admin);
    const send = scanner();
    const report = [finding(leaked.key), finding(leaked.key)];
    const first = await json<{ label: string }[]>(await send(report));
    const again = await json<{ label: string }[]>(await send(report));
    expect(first.map((v) => v.label)).toEqual(["true_positive", "true_positive"]);
    // The KV route of a revoked key is gone, so a replay cannot tell it from a never-issued key.
    expect(again.map((v) => v.label)).toEqual(["false_positive", "false_positive"]);
    const audit = await json(await call("/v1/audit-events", { cookie: admin.cookie }));
    const revocations = audit.data.filter(
      (row: { action: string; target_id: string }) =>
        row.action === "api_key.revoked" && row.target_id === leaked.id,
    );
    expect(revocations).toHaveLength(1);
  });
});

describe("GitHub secret scanning: refused reports change nothing", () => {
  async function liveKey() {
    const admin = await signup();
    return createApiKey(admin);
  }

  it("refuses missing, foreign, wrong-key and mismatched signatures with 401", async () => {
    const leaked = await liveKey();
    const send = scanner();
    const body = JSON.stringify([finding(leaked.key)]);
    await expectError(await send([finding(leaked.key)], {}), 401, "unauthorized");
    const other = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ])) as CryptoKeyPair;
    const foreign = await crypto.subtle.sign(
      { name: "ECDSA", hash: "SHA-256" },
      other.privateKey,
      new TextEncoder().encode(body),
    );
    await expectError(
      await send([finding(leaked.key)], {
        "github-public-key-identifier": KEY_ID,
        "github-public-key-signature": b64(p1363ToDer(new Uint8Array(foreign as ArrayBuffer))),
      }),
      401,
    );
    await expectError(await send([finding(leaked.key)], await signed(body, "unknown-id")), 401);
    await expectError(
      await send([finding(leaked.key)], await signed(JSON.stringify([finding("other")]))),
      401,
    );
    await expectError(
      await send([finding(leaked.key)], {
        "github-public-key-identifier": KEY_ID,
        "github-public-key-signature": "%%%not base64",
      }),
      401,
    );
    expect((await call("/v1/messages", { bearer: leaked.key })).status).toBe(200);
  });

  it("validates a signed body: not a list, or too many findings, is 422", async () => {
    const leaked = await liveKey();
    const send = scanner();
    await expectError(await send({ token: leaked.key }), 422, "validation_failed");
    await expectError(
      await send(Array.from({ length: 101 }, () => finding(leaked.key))),
      422,
      "validation_failed",
    );
    expect((await call("/v1/messages", { bearer: leaked.key })).status).toBe(200);
  });

  it("a misconfigured key document is 503 not_configured", async () => {
    await expectError(
      await scanner({ SECRET_SCANNING_PUBLIC_KEYS: "{}" })([]),
      503,
      "not_configured",
    );
  });
});

describe("GitHub secret scanning: keys fetched from SECRET_SCANNING_KEYS_URL", () => {
  it("fetches and uses the published keys", async () => {
    forgetGithubKeys();
    const published = await newReceiver({
      statuses: [200],
      body: keysDocument,
      headers: { "content-type": "application/json" },
    });
    const leaked = await liveKey();
    const response = await scanner({
      SECRET_SCANNING_PUBLIC_KEYS: "",
      SECRET_SCANNING_KEYS_URL: published.url,
    })([finding(leaked.key)]);
    expect(response.status).toBe(200);
    expect((await json(response))[0].label).toBe("true_positive");
    forgetGithubKeys();
  });

  it("GitHub unreachable is 503 with Retry-After, and nothing is revoked", async () => {
    forgetGithubKeys();
    const down = await newReceiver({ statuses: [502] });
    const leaked = await liveKey();
    const send = scanner({ SECRET_SCANNING_PUBLIC_KEYS: "", SECRET_SCANNING_KEYS_URL: down.url });
    const response = await send([finding(leaked.key)]);
    await expectError(response, 503, "unavailable");
    expect(response.headers.get("retry-after")).toBe("30");
    expect((await call("/v1/messages", { bearer: leaked.key })).status).toBe(200);
    // Within the back-off, further reports are 503 without asking GitHub again.
    const fetchesBefore = (await down.received()).length;
    await expectError(await send([finding(leaked.key)]), 503, "unavailable");
    expect((await down.received()).length).toBe(fetchesBefore);
    forgetGithubKeys();
  });

  async function liveKey() {
    return createApiKey(await signup());
  }
});

describe("derToP1363", () => {
  it("never throws on arbitrary bytes, and only accepts 64-byte outputs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const out = derToP1363(bytes);
        expect(out === null || out.length === 64).toBe(true);
      }),
      { numRuns: 2000, seed: 13 },
    );
  });

  it("round-trips what GitHub sends", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        expect(derToP1363(p1363ToDer(raw))).toEqual(raw);
      }),
      { numRuns: 500, seed: 13 },
    );
  });
});
