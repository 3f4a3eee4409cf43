import { describe, expect, it } from "vitest";
import { harness } from "../http/harness";

/** The nonce a page's CSP allows, or null. */
function cspNonce(response: Response): string | null {
  const policy = response.headers.get("content-security-policy") ?? "";
  return /script-src 'nonce-([^']+)'/.exec(policy)?.[1] ?? null;
}

const scriptTags = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];

describe("pages: strict CSP, no JavaScript in the HTML", () => {
  const h = harness();

  for (const path of ["/login", "/signup", "/docs"]) {
    it(`${path} runs only nonce-stamped scripts the worker serves, and no inline code`, async () => {
      const response = await h.send(path);
      expect(response.status).toBe(200);
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy).not.toContain("unsafe-inline");
      expect(policy).not.toContain("unsafe-eval");
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("connect-src 'self'");
      const nonce = cspNonce(response);
      expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
      const html = await response.text();
      const scripts = scriptTags(html);
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toContain(`nonce="${nonce}"`);
        expect(attributes).toMatch(/src="\/assets\/[a-z-]+\.js"/);
        expect(body?.trim()).toBe("");
      }
      expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.[a-z]{2,}\/[^"]*\.(js|css)/i);
    });
  }

  it("gives every response a fresh nonce", async () => {
    const [a, b] = [cspNonce(await h.send("/login")), cspNonce(await h.send("/login"))];
    expect(a).not.toBe(b);
  });

  it("/docs lets the reference stamp its injected styles with the page's nonce", async () => {
    const response = await h.send("/docs");
    const nonce = cspNonce(response);
    expect(response.headers.get("content-security-policy")).toContain(
      `style-src 'self' 'nonce-${nonce}'`,
    );
    const html = await response.text();
    expect(html).toContain(`<meta property="csp-nonce" content="${nonce}"/>`);
    expect(html).toContain('src="/assets/api-reference.js"');
    expect(html).toContain('data-spec-url="/openapi.json"');
  });

  it("the dashboard pages take styles only from this origin", async () => {
    const response = await h.send("/login");
    expect(response.headers.get("content-security-policy")).toContain("style-src 'self';");
    expect(await response.text()).toContain('<link rel="stylesheet" href="/assets/styles.css"/>');
  });
});

describe("the webhook URL hint follows ALLOW_PRIVATE_WEBHOOK_URLS", () => {
  async function hint(allow: "true" | "false") {
    const h = harness({ vars: { ALLOW_PRIVATE_WEBHOOK_URLS: allow } });
    const admin = await h.signup();
    const html = await (await h.send("/dashboard", { cookie: admin.cookie })).text();
    return /data-testid="webhook-url-hint">([^<]*)/.exec(html)?.[1] ?? "";
  }

  it("asks for a public HTTPS URL when private URLs are refused", async () => {
    const text = await hint("false");
    expect(text).toContain("Must be a public HTTPS URL.");
    expect(text).not.toContain("http://");
  });

  it("mentions http:// and localhost when they are allowed", async () => {
    expect(await hint("true")).toContain("http:// and private addresses such as localhost");
  });
});
