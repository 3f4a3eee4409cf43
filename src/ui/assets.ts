/**
 * URLs of the browser files that scripts/build-client.mjs writes to build/public/ and Workers
 * Static Assets serves (wrangler.toml `[assets]`): one module per page entry in
 * src/ui/client/entries/, one stylesheet, and the pinned API reference bundle.
 */
export type PageEntry = "login" | "signup" | "dashboard" | "docs";

export const STYLESHEET = "/assets/styles.css";
export const API_REFERENCE_BUNDLE = "/assets/api-reference.js";
export const entryScript = (entry: PageEntry) => `/assets/${entry}.js`;
