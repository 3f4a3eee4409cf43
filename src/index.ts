import { createApp } from "./app";

export { KeyAuthority } from "./durable/key-authority";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
