import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  deliveryHeaders,
  generateSigningSecret,
  seedSignature,
  signingKey,
} from "../../src/webhooks/signing";

const body = JSON.stringify({ id: "evt_1", type: "message.delivered", data: { id: "msg_1" } });

describe("signing", () => {
  it("generates whsec_ secrets of 32 random bytes", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKey(secret)).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it("produces Standard Webhooks headers the public library verifies", async () => {
    const secret = generateSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = await deliveryHeaders({ id: "evt_1", timestamp, body, secret });
    expect(headers["webhook-id"]).toBe("evt_1");
    expect(headers["webhook-timestamp"]).toBe(String(timestamp));
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it("signs seed 003's way: hex HMAC-SHA256 of the raw body keyed by the secret's UTF-8 bytes", async () => {
    const secret = "textus-HOTh4kXxHIbYst0xutpkdw";
    const expected = createHmac("sha256", secret).update(body).digest("hex");
    expect(await seedSignature(secret, body)).toBe(expected);
    const headers = await deliveryHeaders({
      id: "evt_1",
      timestamp: 1,
      body,
      secret,
      textusHeader: true,
    });
    expect(headers["x-switchboard-signature"]).toBe(expected);
    expect(headers["x-textus-signature"]).toBe(expected);
  });

  it("keys a whsec_ secret's hex signature with the whole string, prefix included", async () => {
    const secret = generateSigningSecret();
    const headers = await deliveryHeaders({ id: "evt_1", timestamp: 1, body, secret });
    expect(headers["x-switchboard-signature"]).toBe(
      createHmac("sha256", secret).update(body).digest("hex"),
    );
    expect(headers).not.toHaveProperty("x-textus-signature");
  });

  it("uses a user-chosen secret's raw bytes for Standard Webhooks", async () => {
    const secret = "textus-HOTh4kXxHIbYst0xutpkdw";
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = await deliveryHeaders({ id: "evt_2", timestamp, body, secret });
    expect(
      new Webhook(new TextEncoder().encode(secret), { format: "raw" }).verify(body, headers),
    ).toBeTruthy();
  });

  it("during a rotation grace both secrets verify from the one header", async () => {
    const previous = generateSigningSecret();
    const current = generateSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = await deliveryHeaders({
      id: "evt_3",
      timestamp,
      body,
      secret: current,
      previousSecret: previous,
    });
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
    expect(headers["x-switchboard-signature"]).toBe(
      createHmac("sha256", previous).update(body).digest("hex"),
    );
    expect(headers["x-switchboard-signature-next"]).toBe(
      createHmac("sha256", current).update(body).digest("hex"),
    );
  });

  it("sends the client secret as a bearer token", async () => {
    const headers = await deliveryHeaders({
      id: "e",
      timestamp: 1,
      body,
      secret: "whsec_abc",
      clientSecret: "client-token-1",
    });
    expect(headers.authorization).toBe("Bearer client-token-1");
    expect(headers["user-agent"]).toMatch(/^Switchboard/);
    expect(headers["content-type"]).toBe("application/json");
  });
});
