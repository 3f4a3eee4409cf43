import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildClient } from "./scripts/build-client.mjs";

export default defineConfig(async () => {
  // wrangler.toml serves build/public as static assets; it must exist before the pool starts.
  await buildClient();
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            API_KEY_PEPPER: "test-pepper-0123456789abcdef0123456789",
            ENVIRONMENT: "test",
            // Delivery tests send to a real receiver on loopback.
            ALLOW_PRIVATE_WEBHOOK_URLS: "true",
            // Simulated receipts wait an hour unless a test moves the simulator's clock.
            CARRIER_DELAY_MS: "3600000",
            // The suite signs up and fails log-ins from one (absent) client IP by the hundred; the
            // real limits are tested through harness({ vars }) with small explicit values.
            SIGNUPS_PER_HOUR_PER_IP: "1000000",
            LOGIN_ATTEMPTS_PER_MINUTE: "1000000",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/browser/**", "test/e2e/**"],
      setupFiles: ["./test/setup.ts"],
      globalSetup: ["./test/support/receiver.global.ts"],
      globals: true,
      // The JSON report feeds the one-line total that .ci/run prints.
      reporters: ["default", "json"],
      outputFile: { json: "test-results/vitest.json" },
    },
  };
});
