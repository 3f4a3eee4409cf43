import { describe, expect, it } from "vitest";
import {
  checkWebhookUrl,
  isBlockedIpv4,
  parseIpv4,
  parseIpv6,
} from "../../src/webhooks/url-policy";

const STRICT = { allowPrivate: false };
const LENIENT = { allowPrivate: true };
const PRIVATE = /may not point at private, loopback, link-local or metadata addresses/;
const LOCAL_NAME = /local or internal host names/;

const reasonOf = (raw: string, options = STRICT) => {
  const verdict = checkWebhookUrl(raw, options);
  return verdict.ok ? null : verdict.reason;
};

describe("checkWebhookUrl: public https URLs are accepted", () => {
  it.each([
    ["https://example.com/webhooks", "https://example.com/webhooks"],
    ["https://example.com", "https://example.com/"],
    ["https://hooks.example.com:8443/in?src=switchboard&x=1", null],
    ["https://Example.COM/Path/To/Hook", "https://example.com/Path/To/Hook"],
    ["https://example.com:443/a", "https://example.com/a"],
    ["https://www.example.com/callback#ignored", null],
    ["https://bücher.example/hook", "https://xn--bcher-kva.example/hook"],
    ["https://例え.jp/hook", "https://xn--r8jz45g.jp/hook"],
    ["https://8.8.8.8/hook", "https://8.8.8.8/hook"],
    ["https://1.1.1.1:8443/", "https://1.1.1.1:8443/"],
    ["https://[2606:4700::1111]/hook", "https://[2606:4700::1111]/hook"],
    ["https://[2001:4860:4860::8888]/", "https://[2001:4860:4860::8888]/"],
    ["https://[::ffff:8.8.8.8]/", "https://[::ffff:808:808]/"],
    ["https://[64:ff9b::8.8.8.8]/", "https://[64:ff9b::808:808]/"],
    ["https://[2002:808:808::1]/", "https://[2002:808:808::1]/"],
    ["https://example.com./hook", "https://example.com./hook"],
    ["https://bad.cafe/hook", "https://bad.cafe/hook"],
    ["https://172.32.0.1/", "https://172.32.0.1/"],
    ["https://100.128.0.1/", "https://100.128.0.1/"],
    ["https://169.255.0.1/", "https://169.255.0.1/"],
    ["https://my-localhost.com/", "https://my-localhost.com/"],
    ["https://internal.example.com/", "https://internal.example.com/"],
    ["  https://example.com/trimmed  ", "https://example.com/trimmed"],
  ])("%s", (raw, normalised) => {
    const verdict = checkWebhookUrl(raw, STRICT);
    expect(verdict).toEqual({ ok: true, url: normalised ?? new URL(raw).href });
  });

  it("accepts a URL of exactly 2048 characters", () => {
    const base = "https://example.com/";
    const raw = base + "a".repeat(2048 - base.length);
    expect(raw).toHaveLength(2048);
    expect(checkWebhookUrl(raw, STRICT)).toEqual({ ok: true, url: raw });
  });
});

describe("checkWebhookUrl: malformed, non-https and over-long URLs", () => {
  it.each([
    ["", /absolute URLs/],
    ["example.com/hook", /absolute URLs/],
    ["/webhooks", /absolute URLs/],
    ["//example.com/hook", /absolute URLs/],
    ["https://", /absolute URLs/],
    ["https://exa mple.com/", /absolute URLs/],
    ["https://[::1/", /absolute URLs/],
    ["https://256.0.0.1/", /absolute URLs/],
    ["http://example.com/hook", /must use https:\/\//],
    ["HTTP://example.com/hook", /must use https:\/\//],
    ["ftp://example.com/hook", /must use https:\/\//],
    ["ws://example.com/hook", /must use https:\/\//],
    ["wss://example.com/hook", /must use https:\/\//],
    ["file:///etc/passwd", /must use https:\/\//],
    ["javascript:alert(1)", /must use https:\/\//],
    ["data:text/plain,hi", /must use https:\/\//],
    ["https://user@example.com/", /username or password/],
    ["https://user:pass@example.com/", /username or password/],
    ["https://:pass@example.com/", /username or password/],
    ["https://example.com@127.0.0.1/", /username or password/],
  ])("%j is rejected", (raw, reason) => {
    expect(reasonOf(raw)).toMatch(reason);
  });

  it("rejects URLs longer than 2048 characters, before or after normalisation", () => {
    const base = "https://example.com/";
    expect(reasonOf(base + "a".repeat(2049 - base.length))).toMatch(/at most 2048 characters/);
    // 2048 characters as typed, but each space becomes %20 in the normalised form.
    expect(reasonOf(base + " a".repeat((2048 - base.length) / 2))).toMatch(/at most 2048/);
    expect(reasonOf(`https://example.com/${"x".repeat(1_000_000)}`)).toMatch(/at most 2048/);
  });
});

describe("checkWebhookUrl: local and internal host names", () => {
  it.each([
    "https://localhost/",
    "https://LOCALHOST:8443/hook",
    "https://localhost./hook",
    "https://api.localhost/",
    "https://a.b.localhost/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata.google.internal./",
    "https://service.internal/",
    "https://printer.local/",
    "https://box.localdomain/",
    "https://internal/",
    "https://local/",
    "https://localdomain/",
  ])("%s", (raw) => {
    expect(reasonOf(raw)).toMatch(LOCAL_NAME);
  });

  it.each(["https://metadata/", "https://intranet/hook", "https://com/"])(
    "single-label host %s is rejected",
    (raw) => {
      expect(reasonOf(raw)).toMatch(/fully qualified domain name/);
    },
  );
});

describe("checkWebhookUrl: private IPv4 addresses in every spelling", () => {
  it.each([
    // loopback, "this network", RFC 1918, CGNAT, link-local and metadata
    "https://127.0.0.1/",
    "https://127.255.255.254/",
    "https://0.0.0.0/",
    "https://0.1.2.3/",
    "https://10.0.0.1/",
    "https://10.255.255.255/",
    "https://172.16.0.1/",
    "https://172.31.255.255/",
    "https://192.168.1.1/",
    "https://100.64.0.1/",
    "https://100.127.255.255/",
    "https://169.254.169.254/latest/meta-data/",
    "https://169.254.0.1/",
    // multicast, reserved, broadcast, protocol assignments, benchmarking, documentation
    "https://224.0.0.1/",
    "https://239.255.255.250/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    "https://192.0.0.8/",
    "https://198.18.0.1/",
    "https://198.19.255.255/",
    "https://192.0.2.10/",
    "https://198.51.100.7/",
    "https://203.0.113.9/",
    // other spellings of 127.0.0.1 and 169.254.169.254
    "https://2130706433/",
    "https://0x7f000001/",
    "https://017700000001/",
    "https://0177.0.0.1/",
    "https://0x7f.0.0.1/",
    "https://0x7F.0x0.0x0.0x1/",
    "https://127.1/",
    "https://127.0.1/",
    "https://0/",
    "https://0x/",
    "https://2852039166/",
    "https://0xa9fea9fe/",
    "https://0251.0376.0251.0376/",
    "https://169.254.43518/",
    "https://127.0.0.1./",
    "https://１２７.０.０.１/",
    "https://127.0.0.1:8443/hook",
  ])("%s", (raw) => {
    expect(reasonOf(raw)).toMatch(PRIVATE);
  });
});

describe("checkWebhookUrl: private IPv6 addresses", () => {
  it.each([
    "https://[::1]/",
    "https://[0:0:0:0:0:0:0:1]/",
    "https://[::]/",
    "https://[fc00::1]/",
    "https://[fd12:3456:789a::1]/",
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://[fe80::1]/",
    "https://[febf::1]/",
    "https://[fec0::1]/",
    "https://[ff02::1]/",
    "https://[ff05::1:3]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://[::ffff:10.0.0.1]/",
    "https://[::ffff:169.254.169.254]/",
    "https://[0:0:0:0:0:ffff:192.168.0.1]/",
    "https://[::ffff:0:127.0.0.1]/",
    "https://[::127.0.0.1]/",
    "https://[::10.1.2.3]/",
    "https://[64:ff9b::127.0.0.1]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[64:ff9b:1::10.0.0.1]/",
    "https://[2002:7f00:1::]/",
    "https://[2002:a9fe:a9fe::1]/",
    "https://[2002:c0a8:101::1]/",
    "https://[2001:db8::1]/",
    "https://[100::1]/",
  ])("%s", (raw) => {
    expect(reasonOf(raw)).toMatch(PRIVATE);
  });
});

describe("checkWebhookUrl: allowPrivate escape hatch", () => {
  it.each([
    "http://localhost:8787/hooks",
    "http://127.0.0.1:9000/",
    "https://127.0.0.1/",
    "http://[::1]:8080/",
    "http://10.0.0.5/",
    "http://169.254.169.254/",
    "http://metadata.google.internal/",
    "http://receiver/",
    "http://2130706433/",
    "https://example.com/hook",
  ])("allows %s", (raw) => {
    expect(checkWebhookUrl(raw, LENIENT)).toEqual({ ok: true, url: new URL(raw).href });
  });

  it.each([
    ["ftp://localhost/", /http:\/\/ or https:\/\//],
    ["file:///etc/passwd", /http:\/\/ or https:\/\//],
    ["ws://localhost/", /http:\/\/ or https:\/\//],
    ["localhost:8787/hooks", /http:\/\/ or https:\/\/|absolute URLs/],
    ["/hooks", /absolute URLs/],
    ["http://user:pw@localhost/", /username or password/],
    [`http://localhost/${"a".repeat(2048)}`, /at most 2048/],
  ])("still rejects %j", (raw, reason) => {
    expect(reasonOf(raw, LENIENT)).toMatch(reason);
  });

  it("normalises the returned URL the same way", () => {
    expect(checkWebhookUrl("HTTP://LocalHost:80/a/../b", LENIENT)).toEqual({
      ok: true,
      url: "http://localhost/b",
    });
  });
});

describe("address helpers", () => {
  it.each([
    ["127.0.0.1", 0x7f000001],
    ["2130706433", 0x7f000001],
    ["0x7f.1", 0x7f000001],
    ["0177.0.1", 0x7f000001],
    ["10.0x10.257", 0x0a100101],
    ["0x", 0],
    ["255.255.255.255", 0xffffffff],
  ])("parseIpv4(%j)", (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it.each(["256.1.1.1", "1.2.3.4.5", "09.1.1.1", "1.2.3.256", "4294967296", "1..2", "abc", ""])(
    "parseIpv4(%j) is null",
    (text) => {
      expect(parseIpv4(text)).toBeNull();
    },
  );

  it("parses IPv6 with compression and a dotted-quad tail", () => {
    expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6("1:2:3:4:5:6:1.2.3.4")).toEqual([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]);
    for (const bad of ["1:2:3", "1::2::3", "12345::", "::1.2.3", "1:2:3:4:5:6:7:8::", "g::1"]) {
      expect(parseIpv6(bad), bad).toBeNull();
    }
  });

  it("draws the range edges exactly", () => {
    expect(isBlockedIpv4(parseIpv4("172.15.255.255")!)).toBe(false);
    expect(isBlockedIpv4(parseIpv4("172.16.0.0")!)).toBe(true);
    expect(isBlockedIpv4(parseIpv4("172.31.255.255")!)).toBe(true);
    expect(isBlockedIpv4(parseIpv4("172.32.0.0")!)).toBe(false);
    expect(isBlockedIpv4(parseIpv4("100.63.255.255")!)).toBe(false);
    expect(isBlockedIpv4(parseIpv4("198.17.255.255")!)).toBe(false);
    expect(isBlockedIpv4(parseIpv4("198.20.0.0")!)).toBe(false);
    expect(isBlockedIpv4(parseIpv4("223.255.255.255")!)).toBe(false);
    expect(isBlockedIpv4(parseIpv4("11.0.0.0")!)).toBe(false);
  });
});
