import { describe, expect, it } from "vitest";
import { RESERVED_SLUGS, slugCandidates, slugify } from "../../src/auth/slugs";

const URL_SAFE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

describe("slugify", () => {
  it.each([
    ["PupStar Primary", "pupstar-primary"],
    ["  Acme,  Inc.  ", "acme-inc"],
    ["Café Über", "cafe-uber"],
    ["Crème brûlée", "creme-brulee"],
    ["ACME___Corp--2", "acme-corp-2"],
    ["---dashes---", "dashes"],
    ["openapi.json", "openapi-json"],
  ])("%j → %j", (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it("falls back to `account` for names with nothing usable", () => {
    expect(slugify("")).toBe("account");
    expect(slugify("   ")).toBe("account");
    expect(slugify("!!!")).toBe("account");
    expect(slugify("東京")).toBe("account");
    expect(slugify("💬📞")).toBe("account");
  });

  it("pads one-character slugs so a slug is never a single letter", () => {
    expect(slugify("X")).toBe("account-x");
    expect(slugify("7")).toBe("account-7");
  });

  it("caps length at 48 without a trailing dash", () => {
    const slug = slugify(`${"a".repeat(47)} b c d e`);
    expect(slug.length).toBeLessThanOrEqual(48);
    expect(slug).toBe(`${"a".repeat(47)}`);
    expect(slugify("word ".repeat(40)).length).toBeLessThanOrEqual(48);
    expect(slugify("word ".repeat(40))).not.toMatch(/-$/);
  });

  it("always yields a URL-safe slug", () => {
    for (const name of [
      "a/b?c#d",
      "../../etc/passwd",
      "<script>alert(1)</script>",
      "%2e%2e",
      "Tab\tNew\nLine",
      "Ⓐⓒⓜⓔ",
      "ﬁnance",
      "x".repeat(500),
    ]) {
      const slug = slugify(name);
      expect(slug, name).toMatch(URL_SAFE);
      expect(slug.length, name).toBeLessThanOrEqual(48);
      expect(slug.length, name).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("reserved slugs", () => {
  it("include the product's own top-level paths", () => {
    for (const path of ["v1", "docs", "openapi.json", "healthz", "login", "logout", "signup"]) {
      expect(RESERVED_SLUGS.has(path), path).toBe(true);
    }
  });

  it.each(["v1", "V1", "Docs", "healthz", "Login", "signup", "Integrations", "API", "www"])(
    "are never offered for %j",
    (name) => {
      const candidates = slugCandidates(name);
      for (const slug of candidates) expect(RESERVED_SLUGS.has(slug), slug).toBe(false);
      expect(candidates[0]).toBe(`${slugify(name)}-2`);
    },
  );
});

describe("slugCandidates", () => {
  it("tries the plain slug first, then numbered variants", () => {
    expect(slugCandidates("Acme Corp", 4)).toEqual([
      "acme-corp",
      "acme-corp-2",
      "acme-corp-3",
      "acme-corp-4",
    ]);
  });

  it("returns 20 distinct candidates by default", () => {
    const candidates = slugCandidates("Acme");
    expect(candidates).toHaveLength(20);
    expect(new Set(candidates).size).toBe(20);
    for (const slug of candidates) expect(slug).toMatch(URL_SAFE);
  });
});
