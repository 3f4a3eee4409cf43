import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Services } from "../services";

/** Everything the messaging core needs, built once per request or per alarm. */
export interface MessagingDeps {
  db: Database;
  env: Env;
  services: Services;
  config: Config;
}

/** Where an operation happens: an account, in live or test mode. */
export interface Scope {
  accountId: string;
  livemode: boolean;
}
