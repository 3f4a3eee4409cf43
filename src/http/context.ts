import type { Principal } from "../auth/principal";
import type { SessionContext } from "../auth/sessions";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { Services } from "../services";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    config: Config;
    db: Database;
    principal: Principal | undefined;
    session: SessionContext | undefined;
  };
}
