import { defineConfig } from "drizzle-kit";

/** The account Durable Object's own SQLite; `npm run db:generate:account` regenerates both. */
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./src/storage/account/schema.ts",
  out: "./src/storage/account/migrations",
});
