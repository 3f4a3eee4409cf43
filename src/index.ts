import { createApp } from "./app";
import { readConfig } from "./config";
import { database } from "./db/client";
import { pruneEvents } from "./delivery/events-store";

export { KeyAuthority } from "./durable/key-authority";
export { WebhookEndpointObject } from "./durable/webhook-endpoint";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Daily retention sweep; each endpoint object prunes its own queue and attempt log. */
  async scheduled(controller, env) {
    const cutoff = controller.scheduledTime - readConfig(env).retentionDays * 86_400_000;
    const pruned = await pruneEvents(database(env.DB), cutoff);
    console.log(JSON.stringify({ level: "info", msg: "retention sweep", events_pruned: pruned }));
  },
} satisfies ExportedHandler<Env>;
