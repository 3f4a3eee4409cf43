import type { Child } from "hono/jsx";
import type { Account, User } from "../../db/schema";

/** Who is looking at the dashboard; taken from the session on the server. */
export interface Viewer {
  user: Pick<User, "id" | "email" | "role">;
  account: Pick<Account, "id" | "name" | "slug">;
}

/**
 * One block of the "API & Integrations" page. The server renders `render(viewer)` (escaped
 * markup, no data fetched yet); `script` is a constant inline script that fills it through the
 * JSON API using `window.SB` (see ../client.ts). Add a section by listing it in ../pages/dashboard.
 */
export interface DashboardSection {
  /** Anchor id, also the section's `id` attribute. */
  id: string;
  /** Label in the page's section navigation. */
  title: string;
  render: (viewer: Viewer) => Child;
  script: string;
}
