import { describe, expect, it } from "vitest";
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

  it("does not list the docs page or itself as API operations", async () => {
    const doc = await openapi();
    expect(doc.paths["/docs"]).toBeUndefined();
    expect(doc.paths["/openapi.json"]).toBeUndefined();
    for (const path of Object.keys(doc.paths)) expect(path).not.toMatch(/:\w+/);
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
