import { createApp } from "./app";
import { readConfig } from "./config";
import { database } from "./db/client";
import { sweepRetention } from "./messaging/retention";

export { CarrierSimulator } from "./durable/carrier-simulator";
export { KeyAuthority } from "./durable/key-authority";
export { WebhookEndpointObject } from "./durable/webhook-endpoint";

const app = createApp();

export default {
  fetch: app.fetch,
  /** Daily retention sweep; each endpoint object prunes its own queue and attempt log. */
  async scheduled(controller, env) {
    const pruned = await sweepRetention(
      database(env.DB),
      controller.scheduledTime,
      readConfig(env).retentionDays,
    );
    console.log(JSON.stringify({ level: "info", msg: "retention sweep", pruned }));
  },
} satisfies ExportedHandler<Env>;
