import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { CLIENT_COMMON } from "./client";
import { STYLES } from "./styles";

export interface LayoutProps {
  title: string;
  /** Per-response CSP nonce: only our own inline <style>/<script> tags carry it. */
  nonce: string;
  /** Page scripts (constant code, never user data), run after the shared helpers. */
  scripts?: string[];
  /** Read by page scripts through `SB.me` (dashboard only); rendered as escaped data-* attributes. */
  data?: Record<string, string>;
  children?: Child;
}

/** Emitted unescaped, so the code must be a constant; data reaches scripts only via data-*. */
const InlineScript = ({ nonce, code }: { nonce: string; code: string }) => (
  <script nonce={nonce}>{raw(code)}</script>
);

export function Layout({ title, nonce, scripts = [], data = {}, children }: LayoutProps) {
  const dataAttributes = Object.fromEntries(
    Object.entries(data).map(([name, value]) => [`data-${name}`, value]),
  );
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light" />
          <title>{`${title} · Switchboard`}</title>
          <link rel="icon" href="data:," />
          <style nonce={nonce}>{raw(STYLES)}</style>
        </head>
        <body {...dataAttributes}>
          {children}
          <InlineScript nonce={nonce} code={CLIENT_COMMON} />
          {scripts.map((code) => (
            <InlineScript nonce={nonce} code={code} />
          ))}
        </body>
      </html>
    </>
  );
}
