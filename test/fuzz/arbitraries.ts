import fc from "fast-check";
import type { Ids } from "../support/world";
import { type Operation, propertiesOf, type SchemaNode, sample } from "./spec";

/** Strings that have broken parsers, queries and templates elsewhere. */
export const FRAGMENTS = [
  "' OR 1=1 --",
  '"; DROP TABLE accounts; --',
  "1; SELECT * FROM users",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFFx",
  "\u202Egnp.exe",
  "\uFEFF\u200B\u200D",
  "𝕏💥👩‍👩‍👧",
  "Ω≈ç√∫",
  "../../etc/passwd",
  "%00",
  "%",
  "%E0%A4%A",
  "{{7*7}}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, literally.
  "${7*7}",
  "__proto__",
  "constructor",
  "null",
  "NaN",
  "-0",
  "1e308",
  "acct_0000000000000000000000",
  " ",
  "",
];

const longString = fc.integer({ min: 256, max: 20_000 }).map((n) => "a".repeat(n));
/** Strings of every awkward sort: fragments, any code point, graphemes, very long. */
export const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: longString },
);
const number = fc.oneof(
  fc.constantFrom(1e308, -1e308, -0, 0, -1, 0.5, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e-320),
  fc.double(),
  fc.integer(),
);

function nested(depth: number): unknown {
  let value: unknown = "deep";
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** A value of the wrong type, size or content for whatever field it lands in. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 3, arbitrary: number },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}, [null], { "": "" }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 1000 }).map(nested) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      text.filter((k) => k.length < 100),
      text,
      { maxKeys: 5 },
    ),
  },
);

/** Raw bodies no JSON encoder would write. */
const rawBodies = fc.constantFrom(
  "",
  "{",
  "nul",
  '{"a":1,}',
  "{'a':1}",
  "[".repeat(5000) + "]".repeat(5000),
  `${'{"a":'.repeat(2000)}1${"}".repeat(2000)}`,
  '{"limit": 1e999}',
  '{"to": "\\ud800"}',
  "\uFEFF{}",
  "a=1&b=2",
  '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  '{"__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"x": 1}}}',
);

export type Body =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "raw"; text: string };

/** The documented body, one field of it mutated or dropped, or something else altogether. */
function bodyFor(schema: SchemaNode | undefined): fc.Arbitrary<Body> {
  const valid = () => (schema ? sample(schema) : {});
  const fields = schema ? propertiesOf(schema) : [];
  const json = (value: unknown): Body => ({ kind: "json", value });
  const arbs: fc.WeightedArbitrary<Body>[] = [
    { weight: 2, arbitrary: fc.constant(null).map(() => json(valid())) },
    { weight: 2, arbitrary: garbage.map(json) },
    { weight: 1, arbitrary: rawBodies.map((text): Body => ({ kind: "raw", text })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: "none" }) },
  ];
  if (fields.length > 0) {
    const field = fc.constantFrom(...fields);
    arbs.push(
      {
        weight: 5,
        arbitrary: fc
          .tuple(field, garbage)
          .map(([name, value]) => json({ ...(valid() as object), [name]: value })),
      },
      {
        weight: 1,
        arbitrary: field.map((name) => {
          const { [name]: _dropped, ...rest } = valid() as Record<string, unknown>;
          return json(rest);
        }),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(text, garbage)
          .map(([name, value]) => json({ ...(valid() as object), [name]: value })),
      },
    );
  }
  return fc.oneof(...arbs);
}

const CONTENT_TYPES = [
  "application/json; charset=utf-16",
  "application/json;;; charset",
  "APPLICATION/JSON",
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/vnd.textus+jsonld",
  "application/xml",
  "*/*",
  'application/json; charset="><script>',
];

export type Auth = "admin" | "member" | "testKey" | "liveKey" | "none" | "badKey" | "otherAccount";
export type Acting = "none" | "own" | "sub" | "other" | "garbage";

export interface FuzzCase {
  method: string;
  path: string;
  query: [string, string][];
  body: Body;
  contentType: string | null;
  auth: Auth;
  origin: "own" | "foreign" | "none";
  acting: Acting;
  actingGarbage: string;
  idempotencyKey: string | null;
  extraHeaders: [string, string][];
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];

/** Lone surrogates become U+FFFD, as a URL encoder would (encodeURIComponent throws on them). */
export const wellFormed = (value: string) =>
  value.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );

/** A segment the URL parser keeps as one segment, whatever the string. */
export function segment(value: string): string {
  return encodeURIComponent(wellFormed(value));
}

/** Header values: printable ASCII only (what a browser's fetch would send at all). */
export function headerValue(value: string): string {
  return [...value]
    .filter((ch) => {
      const code = ch.charCodeAt(0);
      return code >= 0x20 && code < 0x7f;
    })
    .join("");
}

export interface Targets {
  /** The fuzzed account's objects (real ids reach handlers; garbage ids reach validators). */
  own: Ids;
  /** Another account's objects of the same kinds. */
  other: Ids;
}

/** Every request the fuzzer may send for `op`, given real ids to mix in. */
export function caseFor(
  op: Operation,
  kinds: Record<string, keyof Ids> | undefined,
  targets: Targets,
): fc.Arbitrary<FuzzCase> {
  const param = (name: string) => {
    const kind = kinds?.[name];
    const real = kind ? [targets.own[kind]] : [];
    const theirs = kind ? [targets.other[kind]] : [];
    const choices: fc.WeightedArbitrary<string>[] = [{ weight: 4, arbitrary: text }];
    if (real.length) choices.push({ weight: 5, arbitrary: fc.constantFrom(...real) });
    if (theirs.length) choices.push({ weight: 1, arbitrary: fc.constantFrom(...theirs) });
    return fc.oneof(...choices);
  };
  const path = fc
    .tuple(...(op.pathParams.length ? op.pathParams.map(param) : [fc.constant("")]))
    .map((values) => {
      let i = 0;
      return op.template.replace(/\{[^}]+\}/g, () => segment(values[i++] ?? ""));
    });
  const queryNames = [...op.queryParams, "limit", "cursor", "expand[]", "since"];
  const query = fc.array(
    fc.tuple(
      fc.constantFrom(...queryNames),
      fc.oneof(
        text,
        fc.constantFrom("", "abc", "-1", "0", "1e308", "99999999999999999999", "1.5", "10"),
      ),
    ),
    { maxLength: 3 },
  );
  return fc.record({
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constant(op.method) },
      { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
    ),
    path,
    query,
    body: bodyFor(op.body?.schema),
    contentType: fc.oneof(
      { weight: 6, arbitrary: fc.constant(op.body?.mediaType ?? "application/json") },
      { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    auth: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Auth>("admin") },
      { weight: 3, arbitrary: fc.constant<Auth>("testKey") },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Auth>("liveKey", "member", "none", "badKey", "otherAccount"),
      },
    ),
    origin: fc.oneof(
      { weight: 8, arbitrary: fc.constant<"own">("own") },
      { weight: 1, arbitrary: fc.constantFrom<"foreign" | "none">("foreign", "none") },
    ),
    acting: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Acting>("none") },
      { weight: 3, arbitrary: fc.constantFrom<Acting>("own", "sub", "other", "garbage") },
    ),
    actingGarbage: text,
    idempotencyKey: fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constant("fuzz-repeated-key") },
      { weight: 1, arbitrary: text },
    ),
    extraHeaders: fc.array(
      fc.tuple(
        fc.constantFrom("accept", "x-forwarded-for", "cf-connecting-ip", "accept-encoding"),
        text,
      ),
      { maxLength: 2 },
    ),
  });
}
