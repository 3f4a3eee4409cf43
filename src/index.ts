import { createApp } from "./app";
import { readConfig } from "./config";
import { database } from "./db/client";
import { sweepControlPlane } from "./db/retention";

export { AccountObject } from "./durable/account-object";
export { CarrierSimulator } from "./durable/carrier-simulator";
export { Throttle } from "./durable/throttle";
export { WebhookEndpointObject } from "./durable/webhook-endpoint";

const app = createApp();

export default {
  fetch: app.fetch,
  /**
   * Daily sweep of the control plane's own expiring rows. Each account object prunes its records
   * and each endpoint object its queue and attempt log, by their own alarms.
   */
  async scheduled(controller, env) {
    const pruned = await sweepControlPlane(
      database(env.DB),
      controller.scheduledTime,
      readConfig(env),
    );
    console.log(JSON.stringify({ level: "info", msg: "retention sweep", pruned }));
  },
} satisfies ExportedHandler<Env>;
