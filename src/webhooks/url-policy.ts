/**
 * Which URLs an account may register as a webhook endpoint (SPEC §4). The goal is to stop the
 * delivery engine from being aimed at our own network or a cloud metadata service (SSRF), so the
 * checks run on the host as the WHATWG parser (the one `fetch` uses) understands it, not on the
 * raw text a user typed.
 *
 * This is a syntactic check only: a public name that resolves to a private address (DNS
 * rebinding, `127.0.0.1.nip.io`) cannot be caught without resolving it, which a pure module
 * cannot do.
 */

export type UrlVerdict = { ok: true; url: string } | { ok: false; reason: string };

export const MAX_WEBHOOK_URL_LENGTH = 2048;

const REASONS = {
  invalid: "Webhook URLs must be absolute URLs, like https://example.com/webhooks.",
  tooLong: `Webhook URLs may be at most ${MAX_WEBHOOK_URL_LENGTH} characters long.`,
  https: "Webhook URLs must use https://.",
  httpOrHttps: "Webhook URLs must use http:// or https://.",
  credentials: "Webhook URLs may not contain a username or password.",
  localName: "Webhook URLs may not point at local or internal host names.",
  singleLabel: "Webhook URLs must use a fully qualified domain name.",
  badAddress: "Webhook URLs must not contain a malformed IP address.",
  privateAddress:
    "Webhook URLs may not point at private, loopback, link-local or metadata addresses.",
} as const;

const deny = (reason: string): UrlVerdict => ({ ok: false, reason });

export function checkWebhookUrl(raw: string, options: { allowPrivate: boolean }): UrlVerdict {
  // Checked before parsing too, so a megabyte of input never reaches the parser.
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return deny(REASONS.tooLong);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return deny(REASONS.invalid);
  }
  const isHttps = url.protocol === "https:";
  const isHttp = url.protocol === "http:";
  if (options.allowPrivate ? !(isHttps || isHttp) : !isHttps) {
    return deny(options.allowPrivate ? REASONS.httpOrHttps : REASONS.https);
  }
  // Normalisation can only grow the text (percent-encoding, punycode), so re-check what we store.
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) return deny(REASONS.tooLong);
  if (url.username !== "" || url.password !== "") return deny(REASONS.credentials);
  if (url.hostname === "") return deny(REASONS.invalid);
  if (!options.allowPrivate) {
    const reason = hostProblem(url.hostname);
    if (reason !== null) return deny(reason);
  }
  return { ok: true, url: url.href };
}

/**
 * Names that resolve to the machine itself or to a private zone. `*.internal` also covers
 * `metadata.google.internal`; the bare labels are what a resolver's search list turns into
 * internal hosts.
 */
const LOCAL_SUFFIXES = ["localhost", "internal", "local", "localdomain"];

function hostProblem(hostname: string): string | null {
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const groups = parseIpv6(hostname.slice(1, -1));
    if (groups === null) return REASONS.badAddress;
    return isBlockedIpv6(groups) ? REASONS.privateAddress : null;
  }
  // A fully-qualified name may end in a dot (`localhost.`); it names the same host.
  const name = hostname.replace(/\.+$/, "");
  if (looksNumeric(name)) {
    const address = parseIpv4(name);
    if (address === null) return REASONS.badAddress;
    return isBlockedIpv4(address) ? REASONS.privateAddress : null;
  }
  const labels = name.split(".");
  const last = labels[labels.length - 1] ?? "";
  if (LOCAL_SUFFIXES.includes(last)) return REASONS.localName;
  // A dotless name (`metadata`, `intranet`) is completed by the resolver's search domains, which
  // inside a cloud network means internal hosts; no public webhook receiver lives at a bare TLD.
  if (labels.length < 2) return REASONS.singleLabel;
  return null;
}

/**
 * Every label a decimal or `0x` hex number: the shapes `inet_aton` accepts as an IPv4 address.
 * The URL parser already rewrites these to dotted decimal, but judging by shape as well means a
 * parser that lets one through unchanged still cannot smuggle in `0x7f.1`.
 */
function looksNumeric(name: string): boolean {
  return name !== "" && name.split(".").every((label) => /^(?:0x[0-9a-f]*|[0-9]+)$/i.test(label));
}

/** `inet_aton`: 1–4 parts, each decimal, octal (leading 0) or hex; the last fills the rest. */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length < 1 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : Number.parseInt(part, 16);
    else if (/^0[0-7]*$/.test(part)) value = Number.parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = Number.parseInt(part, 10);
    else return null;
    values.push(value);
  }
  const last = values.pop() ?? 0;
  if (values.some((value) => value > 255)) return null;
  if (last >= 256 ** (4 - values.length)) return null;
  return values.reduce((sum, value, i) => sum + value * 256 ** (3 - i), 0) + last;
}

const ipv4 = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;

/** [network, prefix length] pairs of IPv4 space a webhook has no business reaching. */
const BLOCKED_IPV4: ReadonlyArray<readonly [number, number]> = [
  [ipv4(0, 0, 0, 0), 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  [ipv4(10, 0, 0, 0), 8], // RFC 1918
  [ipv4(100, 64, 0, 0), 10], // carrier-grade NAT
  [ipv4(127, 0, 0, 0), 8], // loopback
  [ipv4(169, 254, 0, 0), 16], // link-local, incl. 169.254.169.254 metadata
  [ipv4(172, 16, 0, 0), 12], // RFC 1918
  [ipv4(192, 0, 0, 0), 24], // IETF protocol assignments
  [ipv4(192, 0, 2, 0), 24], // documentation
  [ipv4(192, 168, 0, 0), 16], // RFC 1918
  [ipv4(198, 18, 0, 0), 15], // benchmarking
  [ipv4(198, 51, 100, 0), 24], // documentation
  [ipv4(203, 0, 113, 0), 24], // documentation
  [ipv4(224, 0, 0, 0), 4], // multicast
  [ipv4(240, 0, 0, 0), 4], // reserved, incl. 255.255.255.255 broadcast
];

export function isBlockedIpv4(address: number): boolean {
  return BLOCKED_IPV4.some(([network, bits]) => {
    const size = 2 ** (32 - bits);
    return address >= network && address < network + size;
  });
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a dotted-quad tail. */
export function parseIpv6(text: string): number[] | null {
  let body = text.toLowerCase();
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const parts = dotted[2]!.split(".").map(Number);
    if (parts.some((part) => part > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    tail.push(a * 256 + b, c * 256 + d);
    body = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const toGroups = (half: string | undefined): number[] | null => {
    if (half === undefined || half === "") return [];
    const out: number[] = [];
    for (const group of half.split(":")) {
      if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
      out.push(Number.parseInt(group, 16));
    }
    return out;
  };
  const head = toGroups(halves[0]);
  const rest = toGroups(halves[1]);
  if (head === null || rest === null) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (known > 7) return null;
    return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
  }
  return known === 8 ? [...head, ...tail] : null;
}

const embeddedV4 = (high: number | undefined, low: number | undefined) =>
  (high ?? 0) * 65536 + (low ?? 0);

export function isBlockedIpv6(groups: readonly number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const v4Tail = embeddedV4(g6, g7);
  const zeroUpTo = (n: number) => groups.slice(0, n).every((group) => group === 0);
  // ::/96 holds :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible form; the
  // first two map onto 0.0.0.0/8, so the IPv4 rules decide all three.
  if (zeroUpTo(6)) return isBlockedIpv4(v4Tail);
  if (zeroUpTo(5) && g5 === 0xffff) return isBlockedIpv4(v4Tail); // IPv4-mapped
  if (zeroUpTo(4) && g4 === 0xffff && g5 === 0) return isBlockedIpv4(v4Tail); // SIIT-translated
  // NAT64 (RFC 6052 well-known prefix, and RFC 8215's local-use 64:ff9b:1::/48).
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return isBlockedIpv4(v4Tail);
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return isBlockedIpv4(v4Tail);
  if (g0 === 0x2002) return isBlockedIpv4(embeddedV4(g1, g2)); // 6to4
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return true; // discard-only
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique local, incl. fd00:ec2::254 metadata
  if ((g0 & 0xffc0) === 0xfe80) return true; // link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // deprecated site-local
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  return false;
}
