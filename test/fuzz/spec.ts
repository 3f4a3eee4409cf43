import { exports } from "cloudflare:workers";

/** A JSON Schema node as the OpenAPI document serialises zod (only the keywords we sample). */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  example?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
}

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. `/v1/contacts/{id}`. */
  template: string;
  /** `METHOD template`: the key of the isolation route table. */
  key: string;
  pathParams: string[];
  queryParams: string[];
  /** The first request media type and its schema, when the operation takes a body. */
  body?: { mediaType: string; schema: SchemaNode };
  /** `[]` in the document: no credential needed. */
  public: boolean;
}

interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, SchemaNode> };
}
interface RawOperation {
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: SchemaNode }> };
}

/** The document a client downloads, read through the worker's own entry point. */
export const document = (await (
  await exports.default.fetch("https://switchboard.test/openapi.json")
).json()) as Document;

/** Every operation of the document, in document order. */
export const operations: Operation[] = Object.entries(document.paths).flatMap(
  ([template, methods]) =>
    Object.entries(methods).map(([method, raw]) => {
      const params = raw.parameters ?? [];
      const [mediaType, content] = Object.entries(raw.requestBody?.content ?? {})[0] ?? [];
      return {
        method: method.toUpperCase(),
        template,
        key: `${method.toUpperCase()} ${template}`,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: params.filter((p) => p.in === "query").map((p) => p.name),
        ...(mediaType && content ? { body: { mediaType, schema: content.schema } } : {}),
        public: Array.isArray(raw.security) && raw.security.length === 0,
      };
    }),
);

export function resolve(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace("#/components/schemas/", "");
  const target = document.components.schemas[name];
  if (!target) throw new Error(`unresolved ${node.$ref}`);
  return resolve(target);
}

let sampleUrl = "https://www.example.com/callback";
/** URLs in sampled bodies point here (a loopback receiver: no DNS, deliveries succeed). */
export const setSampleUrl = (url: string) => {
  sampleUrl = url;
};

/** A plausible value for a string property (the schema's own example first). */
function sampleString(node: SchemaNode, name: string): string {
  if (typeof node.example === "string") return node.example;
  if (node.format === "email") return `fuzz${Math.random().toString(36).slice(2, 8)}@example.com`;
  if (node.format === "date-time") return new Date(Date.now() - 60_000).toISOString();
  if (node.pattern?.includes("\\+[1-9]"))
    return `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  if (/url/i.test(name)) return sampleUrl;
  return "x".repeat(Math.max(node.minLength ?? 1, 10));
}

/**
 * A valid-looking instance of `node`: every required and optional property, examples and enums
 * preferred. The fuzzer mutates these so most cases reach the handler, not only the parser.
 */
export function sample(input: SchemaNode, name = "", depth = 0): unknown {
  const node = resolve(input);
  if (node.const !== undefined) return node.const;
  if (node.enum?.length) return node.enum[0];
  if (node.default !== undefined) return node.default;
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives?.[0]) return sample(alternatives[0], name, depth + 1);
  if (node.allOf?.[0]) return sample(node.allOf[0], name, depth + 1);
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case "object":
      return depth > 6
        ? {}
        : Object.fromEntries(
            Object.entries(node.properties ?? {}).map(([key, child]) => [
              key,
              sample(child, key, depth + 1),
            ]),
          );
    case "array":
      return node.items ? [sample(node.items, name, depth + 1)] : [];
    case "integer":
    case "number":
      return node.minimum ?? 1;
    case "boolean":
      return true;
    case "string":
      return sampleString(node, name);
    default:
      return null;
  }
}

/** Property names of an object schema (for mutating one field at a time). */
export function propertiesOf(input: SchemaNode): string[] {
  return Object.keys(resolve(input).properties ?? {});
}
