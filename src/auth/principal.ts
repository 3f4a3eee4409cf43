import type { Role } from "../db/schema";
import type { Scope } from "./scopes";

/** Who is making a request, however they authenticated. Routes only ever look at this. */
export type Principal =
  | {
      kind: "session";
      accountId: string;
      userId: string;
      role: Role;
      sessionId: string;
      scopes: ReadonlySet<Scope>;
      livemode: true;
    }
  | {
      kind: "api_key";
      accountId: string;
      keyId: string;
      scopes: ReadonlySet<Scope>;
      livemode: boolean;
    };
