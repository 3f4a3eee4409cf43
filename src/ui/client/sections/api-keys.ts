/** Browser side of the API keys section (src/ui/sections/api-keys.tsx): list, create, rotate, delete. */
import { api, isSignedOut, type Page } from "../lib/api";
import { byTestId, el, maybeByTestId } from "../lib/dom";
import { clearError, flash, showError } from "../lib/errors";
import { checkedValues, createForm, selectField } from "../lib/forms";
import { formatTime, relativeTime, timeNode } from "../lib/time";
import { isAdmin } from "../lib/viewer";
import { badge, confirmDialog, showSecret, type Tone } from "../lib/widgets";

interface ApiKey {
  id: string;
  name: string;
  description: string | null;
  prefix: string;
  masked: string;
  environment: "production" | "test";
  scopes?: string[];
  status: "active" | "expiring" | "expired" | "revoked";
  last_used_at: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  rotation_due?: boolean;
}

interface IssuedKey extends ApiKey {
  key: string;
}

const WARNING =
  "Copy the key now — it won't be shown again. Store it somewhere safe, such as a secrets manager.";
const STATUS: Record<ApiKey["status"], [label: string, tone: Tone]> = {
  active: ["Active", "ok"],
  expiring: ["Expiring", "warn"],
  expired: ["Expired", "muted"],
  revoked: ["Revoked", "danger"],
};
/** Fewer scopes than this means the key was restricted, which is worth showing. */
const ALL_SCOPES = 9;

export function mountApiKeys(): void {
  const root = maybeByTestId(document, "api-keys-section");
  if (!root) return;
  const list = byTestId(root, "key-list");
  const status = byTestId(root, "key-status");
  const errorBox = byTestId(root, "key-error");
  const notice = byTestId(root, "key-notice");
  const reveal = byTestId(root, "key-reveal");
  const more = byTestId<HTMLButtonElement>(root, "key-more");
  const form = maybeByTestId<HTMLFormElement>(root, "key-create-form");
  let cursor: string | null = null;

  function nameCell(key: ApiKey) {
    const cell = el("td", null, [el("strong", { text: key.name, testid: "key-name-text" })]);
    if (key.description) cell.append(el("div", { class: "muted small", text: key.description }));
    if (key.scopes && key.scopes.length < ALL_SCOPES) {
      cell.append(
        el("div", {
          class: "muted small",
          testid: "key-scopes-text",
          text: `Scopes: ${key.scopes.join(", ")}`,
        }),
      );
    }
    return cell;
  }

  function statusCell(key: ApiKey) {
    const [label, tone] = STATUS[key.status] ?? [key.status, "info"];
    const cell = el("td", null, [badge(label, tone, "key-status-badge")]);
    const when =
      key.status === "expiring" ? key.revoked_at : key.status === "active" ? key.expires_at : null;
    if (when) {
      const verb = key.status === "expiring" ? "Stops" : "Expires";
      cell.append(
        el("div", {
          class: "muted small",
          text: `${verb} ${relativeTime(when)}`,
          title: formatTime(when),
        }),
      );
    }
    if (key.rotation_due && key.status === "active") {
      cell.append(
        el("div", {
          class: "hint-warn small",
          testid: "key-rotation-due",
          text: "Rotation due",
          title: "This key is more than 90 days old. Rotate it.",
        }),
      );
    }
    return cell;
  }

  function actionsCell(key: ApiKey) {
    const cell = el("td", { class: "row-actions" });
    if (key.status === "active") {
      const rotate = el("button", {
        type: "button",
        class: "small",
        text: "Rotate",
        testid: "key-rotate",
        "aria-label": `Rotate ${key.name}`,
      });
      rotate.addEventListener("click", () => rotateKey(key, rotate));
      cell.append(rotate);
    }
    const remove = el("button", {
      type: "button",
      class: "small danger",
      text: "Delete",
      testid: "key-delete",
      "aria-label": `Delete ${key.name}`,
    });
    remove.addEventListener("click", () => deleteKey(key, remove));
    cell.append(remove);
    return cell;
  }

  function row(key: ApiKey) {
    const environment =
      key.environment === "production"
        ? badge("Production", "live", "key-environment")
        : badge("Test", "test", "key-environment");
    const tr = el("tr", { testid: "key-row", "data-key-id": key.id }, [
      nameCell(key),
      el("td", null, [el("code", { text: key.prefix, testid: "key-prefix" })]),
      el("td", null, [environment]),
      el("td", null, [el("code", { class: "nowrap", text: key.masked, testid: "key-masked" })]),
      el("td", null, [timeNode(key.last_used_at, "Never", "key-last-used")]),
      el("td", { class: "nowrap" }, [timeNode(key.created_at)]),
      statusCell(key),
    ]);
    if (isAdmin) tr.append(actionsCell(key));
    return tr;
  }

  async function load(reset: boolean) {
    clearError(errorBox);
    if (reset) cursor = null;
    const path = `/v1/api-keys?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      const page = await api<Page<ApiKey>>("GET", path);
      if (reset) list.replaceChildren();
      for (const key of page.data) list.append(row(key));
      cursor = page.next_cursor;
      more.hidden = !page.has_more;
      status.textContent = isAdmin
        ? "No API keys yet. Click New API Key to create one."
        : "No API keys yet.";
      status.hidden = list.children.length > 0;
    } catch (error) {
      status.hidden = true;
      if (!isSignedOut(error)) showError(errorBox, error);
    }
  }

  function revealKey(title: string, issued: IssuedKey, note?: string) {
    showSecret(reveal, {
      title,
      secret: issued.key,
      warning: WARNING,
      note: note ?? null,
      testid: "key-reveal",
    });
  }

  async function rotateKey(key: ApiKey, button: HTMLButtonElement) {
    const values = await confirmDialog({
      title: `Rotate “${key.name}”?`,
      message:
        "A new secret is created and shown once. Update your application with it; the old secret stops working:",
      confirmLabel: "Rotate key",
      fields: [
        selectField(
          "grace",
          "Old secret stops working",
          [
            ["0", "Immediately"],
            ["3600", "In 1 hour"],
            ["86400", "In 24 hours"],
          ],
          "0",
          "key-rotate-grace",
        ),
      ],
    });
    if (!values) return;
    clearError(errorBox);
    button.disabled = true;
    try {
      const grace = Number(values.grace) || 0;
      const issued = await api<IssuedKey>(
        "POST",
        `/v1/api-keys/${encodeURIComponent(key.id)}/rotate`,
        { grace_period_seconds: grace },
      );
      const note = grace
        ? `The old secret keeps working for ${grace === 3600 ? "1 hour" : "24 hours"}, then stops.`
        : "The old secret has stopped working.";
      revealKey(`New secret for “${issued.name}”`, issued, note);
      await load(true);
    } catch (error) {
      showError(errorBox, error);
      button.disabled = false;
    }
  }

  async function deleteKey(key: ApiKey, button: HTMLButtonElement) {
    const confirmed = await confirmDialog({
      title: `Delete “${key.name}”?`,
      message: `This immediately invalidates the key (${key.masked}). Any application using it will stop working. This cannot be undone.`,
      confirmLabel: "Delete key",
      danger: true,
    });
    if (!confirmed) return;
    clearError(errorBox);
    button.disabled = true;
    try {
      await api("DELETE", `/v1/api-keys/${encodeURIComponent(key.id)}`);
      flash(notice, `“${key.name}” was deleted; it no longer works.`);
      await load(true);
    } catch (error) {
      showError(errorBox, error);
      button.disabled = false;
    }
  }

  if (form) {
    createForm<IssuedKey>({
      form,
      button: byTestId<HTMLButtonElement>(root, "key-new-button"),
      focus: "name",
      errorTestid: "key-create-error",
      cancelTestid: "key-create-cancel",
      body: (values) => {
        const scopes = checkedValues(form, "scopes");
        return {
          name: values.name,
          environment: values.environment,
          ...(values.description ? { description: values.description } : {}),
          ...(scopes.length ? { scopes } : {}),
        };
      },
      create: (body) => api<IssuedKey>("POST", "/v1/api-keys", body),
      created: async (issued) => {
        const environment = issued.environment === "test" ? "test" : "production";
        revealKey(`Your new ${environment} key “${issued.name}”`, issued);
        await load(true);
      },
    });
  }
  more.addEventListener("click", () => load(false));
  void load(true);
}
