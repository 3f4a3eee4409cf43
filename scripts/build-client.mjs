#!/usr/bin/env node
// Builds the dashboard's browser code into build/public/, the directory wrangler.toml serves as
// Workers Static Assets: one ES module per page from src/ui/client/entries/ (bundled by esbuild,
// the same version wrangler uses), the stylesheet, and the pinned API reference bundle copied out of
// node_modules so /docs loads nothing from another origin. Generated, never committed (.gitignore).
// Run by `wrangler dev`/`wrangler deploy` ([build] in wrangler.toml), vitest.config.ts and `npm run
// build:client`; it takes well under a second, so every path simply runs it.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const clientDir = join(root, "src", "ui", "client");
export const publicDir = join(root, "build", "public");
const assetsDir = join(publicDir, "assets");

export async function buildClient() {
  rmSync(publicDir, { recursive: true, force: true });
  mkdirSync(assetsDir, { recursive: true });
  const entries = readdirSync(join(clientDir, "entries"))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => ({ in: join(clientDir, "entries", name), out: name.replace(/\.ts$/, "") }));
  await build({
    entryPoints: [...entries, { in: join(clientDir, "styles.css"), out: "styles" }],
    outdir: assetsDir,
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  });
  const scalar = join(
    root,
    "node_modules",
    "@scalar",
    "api-reference",
    "dist",
    "browser",
    "standalone.js",
  );
  copyFileSync(scalar, join(assetsDir, "api-reference.js"));
  // Assets are answered before the worker runs, so their headers come from here.
  writeFileSync(
    join(publicDir, "_headers"),
    "/assets/*\n  X-Content-Type-Options: nosniff\n  Cache-Control: no-cache\n",
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildClient();
}
