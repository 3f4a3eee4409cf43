import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { entryScript, type PageEntry, STYLESHEET } from "./assets";

export interface LayoutProps {
  title: string;
  /** Per-response CSP nonce: only script tags carrying it run (see ./csp.ts). */
  nonce: string;
  /** The page's browser module (src/ui/client/entries/<entry>.ts, bundled). */
  entry: PageEntry;
  /** Read by the page's module; rendered as escaped data-* attributes on <body>. */
  data?: Record<string, string>;
  children?: Child;
}

export function Layout({ title, nonce, entry, data = {}, children }: LayoutProps) {
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
          <link rel="stylesheet" href={STYLESHEET} />
          <script type="module" src={entryScript(entry)} nonce={nonce} />
        </head>
        <body {...dataAttributes}>{children}</body>
      </html>
    </>
  );
}
