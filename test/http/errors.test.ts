import { afterEach, describe, expect, it, vi } from "vitest";
import { type IdGenerator, ManualClock } from "../../src/services";
import { call, countRows, expectError, json, PASSWORD, signup, unique } from "../helpers";
import { harness } from "./harness";

const MIB = 1_048_576;

const signupBody = () => ({
  account_name: unique("Errors "),
  email: `${unique()}@example.com`,
  password: PASSWORD,
});

async function counts() {
  return {
    accounts: await countRows("accounts"),
    users: await countRows("users"),
    sessions: await countRows("sessions"),
  };
}

/** A JSON signup body padded with trailing whitespace to exactly `size` bytes. */
function paddedSignup(size: number): string {
  const text = JSON.stringify(signupBody());
  return text + " ".repeat(size - text.length);
}

function streamOf(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("400 malformed JSON", () => {
  it.each([
    ["truncated", '{"account_name":'],
    ["trailing comma", '{"a":1,}'],
    ["single quotes", "{'a':1}"],
    ["bare word", "hello"],
    ["two documents", "{}{}"],
  ])("refuses %s JSON with 400 invalid_json and writes nothing", async (_label, rawBody) => {
    const before = await counts();
    const error = await expectError(
      await call("/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
    expect(error.message).toBe("The request body is not valid JSON.");
    expect(await counts()).toEqual(before);
  });

  it("refuses a body that is not valid UTF-8 with 400", async () => {
    const before = await counts();
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    await expectError(
      await call("/v1/auth/signup", {
        rawBody: bytes,
        headers: { "content-type": "application/json" },
      }),
      400,
      "invalid_json",
    );
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["null", "null"],
    ["an array", "[]"],
    ["a string", '"signup"'],
    ["a number", "42"],
  ])("answers well-formed JSON that is %s with 422, not 500", async (_label, rawBody) => {
    const before = await counts();
    const error = await expectError(
      await call("/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } }),
      422,
      "validation_failed",
    );
    expect(Array.isArray(error.details)).toBe(true);
    expect(await counts()).toEqual(before);
  });
});

describe("415 not JSON by content type", () => {
  it.each([
    ["text/plain", "text/plain"],
    ["form-urlencoded", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["xml", "application/xml"],
  ])("refuses %s even when the bytes are JSON, writing nothing", async (_label, type) => {
    const before = await counts();
    await expectError(
      await call("/v1/auth/signup", {
        rawBody: JSON.stringify(signupBody()),
        headers: { "content-type": type },
      }),
      415,
      "unsupported_media_type",
    );
    expect(await counts()).toEqual(before);
  });

  it("refuses a body with no content type at all", async () => {
    const before = await counts();
    await expectError(
      await call("/v1/auth/signup", {
        rawBody: new TextEncoder().encode(JSON.stringify(signupBody())),
      }),
      415,
      "unsupported_media_type",
    );
    expect(await counts()).toEqual(before);
  });

  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON",
    "application/vnd.switchboard+json",
  ])("accepts %s", async (type) => {
    const response = await call("/v1/auth/signup", {
      rawBody: JSON.stringify(signupBody()),
      headers: { "content-type": type },
    });
    expect(response.status).toBe(201);
  });
});

describe("413 body too large (1 MiB)", () => {
  it("refuses a declared body over 1 MiB and writes nothing", async () => {
    const before = await counts();
    const rawBody = paddedSignup(MIB + 1);
    expect(new TextEncoder().encode(rawBody).byteLength).toBe(MIB + 1);
    const error = await expectError(
      await call("/v1/auth/signup", { rawBody, headers: { "content-type": "application/json" } }),
      413,
      "payload_too_large",
    );
    expect(error.message).toMatch(/1048576 bytes/);
    expect(await counts()).toEqual(before);
  });

  it("refuses a streamed body (no Content-Length) once it passes 1 MiB", async () => {
    const before = await counts();
    const bytes = new TextEncoder().encode(paddedSignup(2 * MIB));
    const response = await call("/v1/auth/signup", {
      rawBody: streamOf(bytes),
      headers: { "content-type": "application/json" },
    });
    await expectError(response, 413, "payload_too_large");
    expect(await counts()).toEqual(before);
  });

  it("accepts a body of exactly 1 MiB", async () => {
    const response = await call("/v1/auth/signup", {
      rawBody: paddedSignup(MIB),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(201);
  });

  it("checks size before content type", async () => {
    await expectError(
      await call("/v1/auth/login", {
        rawBody: "x".repeat(MIB + 10),
        headers: { "content-type": "text/plain" },
      }),
      413,
      "payload_too_large",
    );
  });

  it("follows MAX_BODY_BYTES", async () => {
    const h = harness({ vars: { MAX_BODY_BYTES: "2048" } });
    await expectError(
      await h.send("/v1/auth/signup", {
        rawBody: paddedSignup(2049),
        headers: { "content-type": "application/json" },
      }),
      413,
      "payload_too_large",
    );
    const ok = await h.send("/v1/auth/signup", {
      rawBody: paddedSignup(2048),
      headers: { "content-type": "application/json" },
    });
    expect(ok.status).toBe(201);
  });
});

describe("404 unknown routes", () => {
  it.each([
    ["GET", "/nope"],
    ["GET", "/v1/nope"],
    ["GET", "/v1/users/usr_x/extra"],
    ["PUT", "/v1/me"],
    ["DELETE", "/v1/users"],
    ["GET", "/v1/auth/login"],
  ])("answers %s %s with a JSON 404", async (method, path) => {
    const error = await expectError(await call(path, { method }), 404, "not_found");
    expect(error.message).toContain(path);
  });

  it("answers an unknown POST with a JSON body with 404", async () => {
    await expectError(await call("/v1/nope", { body: { a: 1 } }), 404, "not_found");
  });
});

describe("X-Request-Id", () => {
  it("is on every response, success or failure, and is unique", async () => {
    const account = await signup();
    const responses = [
      await call("/healthz"),
      await call("/openapi.json"),
      await call("/docs"),
      await call("/v1/me", { cookie: account.cookie }),
      await call("/v1/me"),
      await call("/nope"),
      await call("/v1/auth/login", { body: {} }),
      await call("/v1/auth/login", { body: { email: account.email, password: PASSWORD } }),
      await call("/v1/auth/logout", { method: "POST", cookie: account.cookie }),
      await call("/v1/users", { cookie: account.cookie, origin: "https://evil.example", body: {} }),
    ];
    const ids = responses.map((response) => response.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^req_[0-9A-Za-z]{10,}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("matches error.request_id in the body", async () => {
    const response = await call("/v1/me");
    const header = response.headers.get("x-request-id");
    const error = await expectError(response, 401);
    expect(error.request_id).toBe(header);
  });

  it("is on 204 responses", async () => {
    const account = await signup();
    const response = await call("/v1/auth/logout", { method: "POST", cookie: account.cookie });
    expect(response.status).toBe(204);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("500s never leak", () => {
  const boom = () => {
    const error = new Error("boom: secret at Object.<anonymous> (/work/main/src/secret.ts:42:7)");
    error.stack = `${error.message}\n    at handler (/work/main/src/routes/auth.ts:80:5)`;
    return error;
  };

  it("an unexpected failure is a generic JSON 500 with the request id and no stack", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const ids: IdGenerator = {
      next: (prefix) => {
        if (prefix === "req") return "req_fixedforthistest0001";
        throw boom();
      },
    };
    const h = harness({ ids });
    const before = await counts();
    const response = await h.send("/v1/auth/signup", { body: signupBody() });
    expect(response.status).toBe(500);
    expect(response.headers.get("x-request-id")).toBe("req_fixedforthistest0001");
    const text = await response.clone().text();
    expect(text).not.toMatch(/boom|secret|\.ts|at handler|stack/i);
    const error = await expectError(response, 500, "internal_error");
    expect(error.request_id).toBe("req_fixedforthistest0001");
    expect(error.message).toBe("Something went wrong on our side.");
    expect(error.details).toBeUndefined();
    // Server side it is logged in full, with the request id, for operators.
    expect(logged).toHaveBeenCalledTimes(1);
    const line = String(logged.mock.calls[0]?.[0]);
    expect(line).toContain("req_fixedforthistest0001");
    expect(line).toContain("boom");
    // Nothing half-written.
    expect(await counts()).toEqual(before);
  });

  it("a failure after the account id is drawn still writes nothing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    let n = 0;
    const ids: IdGenerator = {
      next: (prefix) => {
        if (prefix === "sess") throw boom();
        return `${prefix}_partial${Date.now().toString(36)}${(n++).toString(36)}${unique("")}`;
      },
    };
    const h = harness({ ids });
    const before = await counts();
    await expectError(
      await h.send("/v1/auth/signup", { body: signupBody() }),
      500,
      "internal_error",
    );
    expect(await counts()).toEqual(before);
  });

  it("a failing read route is a JSON 500 too", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    class BrokenClock extends ManualClock {
      override now(): number {
        throw boom();
      }
    }
    const h = harness({
      clock: new BrokenClock(),
      ids: { next: (prefix) => `${prefix}_${unique("")}` },
    });
    const response = await h.send("/healthz");
    const error = await expectError(response, 500, "internal_error");
    expect(JSON.stringify(error)).not.toContain("boom");
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("422 validation details", () => {
  it("lists zod issues as {path, message, code}", async () => {
    const before = await counts();
    const error = await expectError(
      await call("/v1/auth/signup", {
        body: { account_name: 5, email: "nope", password: "short" },
      }),
      422,
      "validation_failed",
    );
    expect(error.message).toBe("The request body is invalid.");
    expect(Array.isArray(error.details)).toBe(true);
    for (const issue of error.details) {
      expect(Object.keys(issue).sort()).toEqual(["code", "message", "path"]);
      expect(issue.path).toBeTypeOf("string");
      expect(issue.message).toBeTypeOf("string");
      expect(issue.code).toBeTypeOf("string");
    }
    const byPath = Object.fromEntries(
      (error.details as { path: string; code: string }[]).map((issue) => [issue.path, issue.code]),
    );
    expect(byPath).toEqual({
      account_name: "invalid_type",
      email: "invalid_format",
      password: "too_small",
    });
    expect(await counts()).toEqual(before);
  });

  it("names the query when a query parameter is invalid", async () => {
    const account = await signup();
    const error = await expectError(
      await call("/v1/users?limit=1000", { cookie: account.cookie }),
      422,
      "validation_failed",
    );
    expect(error.message).toBe("The request query is invalid.");
    expect(error.details).toEqual([expect.objectContaining({ path: "limit", code: "too_big" })]);
  });
});

describe("API responses", () => {
  it("are never cached and carry nosniff", async () => {
    const account = await signup();
    for (const response of [
      await call("/v1/me", { cookie: account.cookie }),
      await call("/v1/me"),
    ]) {
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("errors are JSON objects with exactly the documented keys", async () => {
    const body = await json(await call("/v1/me", { headers: { cookie: "sb_session=bad" } }));
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "request_id"]);
  });
});

describe("hostile input never produces a 500", () => {
  it("badly encoded or duplicated session cookies are just 'not logged in'", async () => {
    for (const cookie of ["sb_session=%ZZ", "sb_session=%E0%A4%A", 'sb_session="unterminated']) {
      await expectError(await call("/v1/me", { headers: { cookie } }), 401, "unauthorized");
    }
  });

  it("badly encoded path segments are 404s", async () => {
    const account = await signup();
    for (const path of ["/v1/users/%ZZ", "/v1/users/%00", "/v1/users/a%2Fb"]) {
      await expectError(
        await call(path, { method: "PATCH", cookie: account.cookie, body: { role: "admin" } }),
        404,
        "not_found",
      );
    }
    await expectError(await call("/%ZZ"), 404, "not_found");
  });

  it("deeply nested JSON is answered, not crashed on", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const response = await call("/v1/auth/login", {
      rawBody: `{"email":"deep@example.com","password":"long enough password","x":${deep}}`,
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    await expectError(response, response.status);
  });

  it("a __proto__ key in a body changes nothing", async () => {
    const before = await counts();
    const response = await call("/v1/auth/signup", {
      rawBody: `{"__proto__":{"role":"member"},"account_name":"Proto","email":"${unique()}@example.com","password":"${PASSWORD}"}`,
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(201);
    expect((await json(response)).user.role).toBe("admin");
    expect((await counts()).accounts).toBe(before.accounts + 1);
  });

  it("a repeated query parameter is a 422", async () => {
    const account = await signup();
    await expectError(
      await call("/v1/users?limit=5&limit=7", { cookie: account.cookie }),
      422,
      "validation_failed",
    );
  });
});
