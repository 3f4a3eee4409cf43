import { describe, expect, it } from "vitest";
import { API_VERSION, createApp } from "../../src/app";
import { EVENT_TYPES } from "../../src/events/catalog";
import { openApiDocument } from "../../src/http/openapi";
import { TEXTUS_MEDIA_TYPE } from "../../src/webhooks/integration-shape";
import { call, json } from "../helpers";
import { harness } from "./harness";

const FOUNDATION_ROUTES: [method: string, path: string][] = [
  ["post", "/v1/auth/signup"],
  ["post", "/v1/auth/login"],
  ["post", "/v1/auth/logout"],
  ["get", "/v1/me"],
  ["post", "/v1/users"],
  ["get", "/v1/users"],
  ["patch", "/v1/users/{id}"],
  ["get", "/healthz"],
];

// biome-ignore lint/suspicious/noExplicitAny: the document is walked field by field below.
type Doc = Record<string, any>;

async function openapi(): Promise<Doc> {
  const response = await call("/openapi.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  return json<Doc>(response);
}

/** Resolves a local `$ref` such as `#/components/schemas/Error`. */
function resolve(doc: Doc, schema: Doc | undefined): Doc | undefined {
  if (!schema?.$ref) return schema;
  return (schema.$ref as string)
    .replace(/^#\//, "")
    .split("/")
    .reduce<Doc | undefined>((node, key) => node?.[key], doc);
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document describing Switchboard", async () => {
    const doc = await openapi();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe("Switchboard API");
    expect(doc.info.version).toBeTypeOf("string");
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: "apiKey",
      in: "cookie",
      name: "sb_session",
    });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it.each(FOUNDATION_ROUTES)("lists %s %s", async (method, path) => {
    const doc = await openapi();
    const operation = doc.paths?.[path]?.[method];
    expect(operation, `${method.toUpperCase()} ${path} missing`).toBeTypeOf("object");
    expect(operation.summary).toBeTypeOf("string");
    expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
  });

  it("documents request bodies as JSON with their required fields", async () => {
    const doc = await openapi();
    const required = (method: string, path: string) =>
      resolve(doc, doc.paths[path][method].requestBody?.content?.["application/json"]?.schema)
        ?.required as string[] | undefined;
    expect(required("post", "/v1/auth/signup")?.sort()).toEqual([
      "account_name",
      "email",
      "password",
    ]);
    expect(required("post", "/v1/auth/login")?.sort()).toEqual(["email", "password"]);
    expect(required("post", "/v1/users")?.sort()).toEqual(["email", "password", "role"]);
    expect(required("patch", "/v1/users/{id}")).toEqual(["role"]);
  });

  it("documents the {id} path parameter and the page query", async () => {
    const doc = await openapi();
    const patch = doc.paths["/v1/users/{id}"].patch;
    expect(patch.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "id", in: "path", required: true })]),
    );
    const list = doc.paths["/v1/users"].get;
    const names = (list.parameters as { name: string; in: string }[])
      .filter((parameter) => parameter.in === "query")
      .map((parameter) => parameter.name)
      .sort();
    expect(names).toEqual(["cursor", "limit"]);
  });

  it("documents error responses with the one error shape", async () => {
    const doc = await openapi();
    const errors: [string, string, string][] = [
      ["post", "/v1/auth/signup", "409"],
      ["post", "/v1/auth/signup", "422"],
      ["post", "/v1/auth/login", "401"],
      ["post", "/v1/users", "403"],
      ["patch", "/v1/users/{id}", "404"],
      ["patch", "/v1/users/{id}", "409"],
      ["get", "/v1/me", "401"],
    ];
    for (const [method, path, status] of errors) {
      const response = doc.paths[path][method].responses[status];
      expect(response, `${method} ${path} ${status}`).toBeDefined();
      const schema = resolve(doc, response.content["application/json"].schema);
      expect(schema?.properties?.error?.required?.sort()).toEqual(["code", "message"]);
    }
  });

  it("does not list the docs page, and lists itself as a public operation", async () => {
    const doc = await openapi();
    expect(doc.paths["/docs"]).toBeUndefined();
    expect(doc.paths["/openapi.json"].get).toMatchObject({
      operationId: "getOpenApiDocument",
      security: [],
    });
    for (const path of Object.keys(doc.paths)) expect(path).not.toMatch(/:\w+/);
  });
});

const METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options"]);
function operations(doc: Doc): [id: string, operation: Doc][] {
  return Object.entries<Doc>(doc.paths).flatMap(([path, item]) =>
    Object.entries<Doc>(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]): [string, Doc] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

describe("what OpenAPI tools need (issue 12)", () => {
  it("gives every operation a unique camelCase operationId and a described, declared tag", async () => {
    const doc = await openapi();
    const declared = new Map<string, string>(
      (doc.tags as { name: string; description: string }[]).map((tag) => [
        tag.name,
        tag.description,
      ]),
    );
    const ids = new Set<string>();
    const all = operations(doc);
    expect(all.length).toBeGreaterThan(50);
    for (const [where, operation] of all) {
      expect(operation.operationId, where).toMatch(/^[a-z][a-zA-Z0-9]+$/);
      expect(ids.has(operation.operationId), `${where}: duplicate operationId`).toBe(false);
      ids.add(operation.operationId);
      expect(operation.tags?.length, `${where}: tags`).toBe(1);
      expect(declared.get(operation.tags[0]), `${where}: tag ${operation.tags[0]}`).toBeTruthy();
      expect(operation.description, `${where}: description`).toBeTypeOf("string");
    }
    const byPath = (method: string, path: string) => doc.paths[path][method].operationId;
    expect(byPath("get", "/v1/webhooks")).toBe("listWebhooks");
    expect(byPath("post", "/v1/webhooks")).toBe("createWebhook");
    expect(byPath("get", "/v1/webhooks/{id}")).toBe("getWebhook");
    expect(byPath("patch", "/v1/webhooks/{id}")).toBe("updateWebhook");
    expect(byPath("delete", "/v1/webhooks/{id}")).toBe("deleteWebhook");
    expect(byPath("post", "/v1/messages")).toBe("sendMessage");
    expect(byPath("get", "/v1/messages")).toBe("listMessages");
  });

  it("has servers, a license and a default of key-or-session security", async () => {
    const doc = await openapi();
    expect(doc.servers.length).toBeGreaterThan(0);
    for (const server of doc.servers) expect(server.url).toMatch(/^https?:\/\//);
    expect(doc.info.license.name).toBeTypeOf("string");
    expect(doc.security).toEqual([{ apiKey: [] }, { session: [] }]);
  });

  it("marks the public routes `security: []` and the dashboard-only ones session-only", async () => {
    const doc = await openapi();
    const publicRoutes: [string, string][] = [
      ["post", "/v1/auth/signup"],
      ["post", "/v1/auth/login"],
      ["get", "/healthz"],
      ["get", "/v1/event-types"],
      ["get", "/openapi.json"],
      ["post", "/carrier/twilio/{account_id}/inbound"],
      ["post", "/carrier/twilio/{account_id}/messages/{message_id}/status"],
      ["post", "/carrier/twilio/{account_id}/calls/{call_id}/status"],
    ];
    for (const [method, path] of publicRoutes) {
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([]);
    }
    for (const [method, path] of [
      ["post", "/v1/api-keys"],
      ["get", "/v1/me"],
      ["post", "/v1/users"],
    ] as const) {
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([{ session: [] }]);
    }
    // Everything else inherits the global requirement.
    expect(doc.paths["/v1/messages"].post.security).toBeUndefined();
  });

  it("documents X-Request-Id everywhere, Retry-After on 429/503, Idempotent-Replayed on idempotent successes", async () => {
    const doc = await openapi();
    expect(Object.keys(doc.components.headers).sort()).toEqual([
      "IdempotentReplayed",
      "RequestId",
      "RetryAfter",
    ]);
    let idempotent = 0;
    for (const [where, operation] of operations(doc)) {
      const takesKey = (operation.security ?? doc.security).some((s: Doc) => "apiKey" in s);
      if (takesKey) {
        for (const status of ["401", "429", "503"]) {
          expect(operation.responses[status], `${where} ${status}`).toBeDefined();
        }
      }
      const keyed = (operation.parameters ?? []).some(
        (p: Doc) => p.in === "header" && p.name.toLowerCase() === "idempotency-key",
      );
      if (keyed) idempotent++;
      for (const [status, response] of Object.entries<Doc>(operation.responses)) {
        const headers = response.headers ?? {};
        expect(headers["X-Request-Id"], `${where} ${status}`).toEqual({
          $ref: "#/components/headers/RequestId",
        });
        if (status === "429" || status === "503") expect(headers["Retry-After"]).toBeDefined();
        expect(headers["Idempotent-Replayed"] !== undefined, `${where} ${status}`).toBe(
          keyed && status.startsWith("2"),
        );
      }
    }
    expect(idempotent).toBeGreaterThanOrEqual(5);
    expect(doc.paths["/v1/messages"].post.responses["202"].headers).toHaveProperty(
      "Idempotent-Replayed",
    );
  });

  it("describes every catalog event type under `webhooks` with its envelope schema", async () => {
    const doc = await openapi();
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const operation = doc.webhooks[type].post;
      expect(operation.operationId).toMatch(/^on[A-Z]/);
      const schema = resolve(doc, operation.requestBody.content["application/json"].schema);
      expect(schema?.properties?.type).toMatchObject({ enum: [type] });
      const data = resolve(doc, schema?.properties?.data);
      expect(Object.keys(data?.properties ?? {}).length, type).toBeGreaterThan(2);
      const headers = (operation.parameters as Doc[]).map((p) => p.name);
      expect(headers).toEqual(
        expect.arrayContaining(["webhook-id", "webhook-timestamp", "webhook-signature"]),
      );
    }
  });

  it("lists the TextUs media type on the Integrations routes", async () => {
    const doc = await openapi();
    for (const path of ["/{slug}/integrations", "/v1/accounts/{slug}/integrations"]) {
      const post = doc.paths[path].post;
      expect(post.tags).toEqual(["Integrations"]);
      expect(Object.keys(post.requestBody.content)).toContain(TEXTUS_MEDIA_TYPE);
      expect(Object.keys(post.responses["201"].content)).toContain(TEXTUS_MEDIA_TYPE);
      expect(Object.keys(doc.paths[path].get.responses["200"].content)).toContain(
        TEXTUS_MEDIA_TYPE,
      );
    }
  });

  it("is built once per app and served from memory", async () => {
    const app = createApp();
    const first = openApiDocument(app, API_VERSION);
    expect(openApiDocument(app, API_VERSION)).toBe(first);
    const h = harness();
    const a = await h.send("/openapi.json");
    const b = await h.send("/openapi.json");
    expect(await a.text()).toBe(await b.text());
    expect(a.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("GET /docs", () => {
  it("returns an HTML page pointing at /openapi.json", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<!doctype html>/i);
    expect(html).toContain("<title>Switchboard API</title>");
    expect(html).toContain("/openapi.json");
  });
});

describe("GET /healthz", () => {
  it("answers 200 {ok:true, time} without authentication", async () => {
    const response = await call("/healthz");
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.ok).toBe(true);
    expect(new Date(body.time).toISOString()).toBe(body.time);
  });

  it("reports the service clock's time", async () => {
    const h = harness();
    h.clock.set(Date.UTC(2030, 4, 6, 7, 8, 9, 10));
    const body = await json(await h.send("/healthz"));
    expect(body).toMatchObject({ ok: true, time: "2030-05-06T07:08:09.010Z" });
  });
});
