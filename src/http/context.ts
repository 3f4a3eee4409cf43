import type { Principal } from "../auth/principal";
import type { SessionContext } from "../auth/sessions";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { KeyClaim } from "../keys/authenticate";
import type { Services } from "../services";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    config: Config;
    db: Database;
    principal: Principal | undefined;
    /** An API key resolved but not yet checked: its ledger call checks it (src/http/ledger.ts). */
    keyClaim: KeyClaim | undefined;
    session: SessionContext | undefined;
    /** Set when `Switchboard-Account` moved the principal down the tree: where it comes from. */
    credentialAccountId: string | undefined;
  };
}
