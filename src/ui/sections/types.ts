import type { Child } from "hono/jsx";
import type { Account, User } from "../../db/schema";

/** Who is looking at the dashboard; taken from the session on the server. */
export interface Viewer {
  user: Pick<User, "id" | "email" | "role">;
  /** The account the page acts in: the user's own, or a sub-account chosen in the switcher. */
  account: Pick<Account, "id" | "name" | "slug">;
  /** The user's own account (differs from `account` while acting in a sub-account). */
  home: Pick<Account, "id" | "name">;
}

/** Deployment settings a section's markup depends on. */
export interface PageSettings {
  /** `ALLOW_PRIVATE_WEBHOOK_URLS`: http:// and private addresses are accepted (local development). */
  allowPrivateWebhookUrls: boolean;
}

/**
 * One block of the "API & Integrations" page. The server renders `render(viewer, settings)`
 * (escaped markup, no data fetched yet); the section's browser module in ../client/sections/
 * fills it through the JSON API. Add a section here, in ../pages/dashboard and in
 * ../client/entries/dashboard.ts.
 */
export interface DashboardSection {
  /** Anchor id, also the section's `id` attribute. */
  id: string;
  /** Label in the page's section navigation. */
  title: string;
  render: (viewer: Viewer, settings: PageSettings) => Child;
}
