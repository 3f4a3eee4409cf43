import { raw } from "hono/html";
import { API_REFERENCE_BUNDLE, entryScript } from "../assets";

/**
 * The API reference (SPEC §8): the pinned @scalar/api-reference bundle, served by this worker,
 * rendering /openapi.json. Nothing loads from another origin (see client/entries/docs.ts).
 */
export function DocsPage({ nonce }: { nonce: string }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Switchboard API</title>
          <link rel="icon" href="data:," />
          {/* Read by the bundle to stamp the <style> elements it injects. */}
          <meta property="csp-nonce" content={nonce} />
          <script src={API_REFERENCE_BUNDLE} nonce={nonce} />
          <script type="module" src={entryScript("docs")} nonce={nonce} />
        </head>
        <body>
          {/* Not id="api-reference": the bundle would also mount itself on an element of that id. */}
          <div id="reference" data-spec-url="/openapi.json" data-testid="api-reference" />
          <noscript>
            The API reference needs JavaScript; the raw document is at /openapi.json.
          </noscript>
        </body>
      </html>
    </>
  );
}
