#!/usr/bin/env node
// Creates .dev.vars from .dev.vars.example on a fresh clone so `wrangler dev` has its local
// secrets (API_KEY_PEPPER). An existing .dev.vars is never touched.
import { copyFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, ".dev.vars");
const example = join(root, ".dev.vars.example");

if (existsSync(target)) {
  process.exit(0);
}
if (!existsSync(example)) {
  console.error("ensure-dev-vars: .dev.vars.example is missing; cannot create .dev.vars");
  process.exit(1);
}
copyFileSync(example, target);
console.log("ensure-dev-vars: created .dev.vars from .dev.vars.example (development values only)");
