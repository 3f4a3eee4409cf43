/**
 * Per-endpoint actions of the webhooks section: Test, Edit, Delivery log, Reveal secret, Rotate
 * secret, Delete. The section (./webhooks.ts) passes what they need as a WebhooksContext.
 */
import { api, type Page } from "../lib/api";
import { el } from "../lib/dom";
import { clearError, errorAlert, flash, showError } from "../lib/errors";
import { checkedValues, selectField, setBusy } from "../lib/forms";
import { formatTime, timeNode } from "../lib/time";
import { isAdmin } from "../lib/viewer";
import { badge, confirmDialog, showSecret, type Tone } from "../lib/widgets";
import {
  type Endpoint,
  endpointPath,
  eventCheckboxes,
  eventLabel,
  type WebhooksContext,
} from "./webhook-model";

interface TestResult {
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  response_body: string | null;
  error: string | null;
  event_id: string;
}

interface Attempt {
  id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  outcome: string;
  created_at: string;
}

const OUTCOMES: Record<string, [label: string, tone: Tone]> = {
  delivered: ["Delivered", "ok"],
  transient: ["Will retry", "warn"],
  gone: ["Gone", "danger"],
  fatal: ["Failed", "danger"],
};

type Build = () => void;

export function endpointActions(
  context: WebhooksContext,
  endpoint: Endpoint,
  item: HTMLElement,
  panel: HTMLElement,
): HTMLElement {
  const bar = el("div", { class: "endpoint-actions" });
  const markOpen = (name: string | null) => {
    panel.dataset.open = name ?? "";
    for (const button of item.querySelectorAll<HTMLElement>("[data-panel]")) {
      button.setAttribute("aria-expanded", String(button.dataset.panel === name));
    }
  };
  const toggle = (name: string, build: Build) => {
    if (!panel.hidden && panel.dataset.open === name) {
      panel.hidden = true;
      panel.replaceChildren();
      markOpen(null);
      return;
    }
    panel.replaceChildren();
    panel.hidden = false;
    markOpen(name);
    build();
  };
  const tab = (label: string, name: string, testid: string, build: Build) => {
    const button = el("button", {
      type: "button",
      class: "small",
      text: label,
      testid,
      "aria-expanded": "false",
      "data-panel": name,
    });
    button.addEventListener("click", () => toggle(name, build));
    bar.append(button);
  };
  const action = (
    label: string,
    testid: string,
    run: (button: HTMLButtonElement) => void,
    danger = false,
  ) => {
    const button = el("button", {
      type: "button",
      class: danger ? "small danger" : "small",
      text: label,
      testid,
    });
    button.addEventListener("click", () => run(button));
    bar.append(button);
  };

  if (isAdmin) tab("Test", "test", "webhook-test", () => testPanel(context, endpoint, panel));
  if (isAdmin) {
    tab("Edit", "edit", "webhook-edit", () =>
      editPanel(context, endpoint, panel, item, () => toggle("edit", () => {})),
    );
  }
  tab("Delivery log", "log", "webhook-log", () => deliveriesPanel(endpoint, panel));
  if (isAdmin) {
    tab("Reveal secret", "secret", "webhook-reveal-secret", () => secretPanel(endpoint, panel));
    action("Rotate secret", "webhook-rotate-secret", async (button) => {
      if (await rotateSecret(context, endpoint, panel, button)) markOpen("secret");
    });
    action("Delete", "webhook-delete", (button) => deleteEndpoint(context, endpoint, button), true);
  }
  return bar;
}

function testPanel(context: WebhooksContext, endpoint: Endpoint, panel: HTMLElement) {
  const catalog = context.eventTypes();
  const types = catalog.length ? catalog.map((type) => type.type) : endpoint.events;
  const field = selectField(
    "event_type",
    "Sample event to send",
    types.map((type) => [type, `${eventLabel(type)} (${type})`]),
    endpoint.events[0] ?? types[0] ?? "",
    "webhook-test-event",
  );
  const send = el("button", {
    type: "submit",
    class: "primary",
    text: "Send test event",
    testid: "webhook-test-send",
  });
  const result = el("div", {
    class: "test-result",
    testid: "webhook-test-result",
    role: "status",
    hidden: "",
  });
  const form = el("form", { class: "inline-row", novalidate: "" }, [field, send]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    send.disabled = true;
    result.hidden = false;
    result.className = "test-result";
    result.replaceChildren(el("span", { class: "muted", text: "Sending…" }));
    const eventType = form.querySelector("select")?.value ?? "";
    try {
      const outcome = await api<TestResult>("POST", endpointPath(endpoint, "/test"), {
        event_type: eventType,
      });
      renderTestResult(result, outcome);
    } catch (error) {
      result.replaceChildren(errorAlert(error));
    } finally {
      send.disabled = false;
    }
  });
  panel.append(
    el("p", {
      class: "muted small",
      text: "Sends a signed sample payload of the chosen type to this endpoint now and shows what it answered.",
    }),
    form,
    result,
  );
}

function renderTestResult(result: HTMLElement, outcome: TestResult) {
  result.className = `test-result ${outcome.ok ? "test-ok" : "test-fail"}`;
  const code = outcome.status_code === null ? "no response" : String(outcome.status_code);
  result.replaceChildren(
    el("div", { class: "test-line" }, [
      badge(
        outcome.ok ? "Success" : "Failed",
        outcome.ok ? "ok" : "danger",
        "webhook-test-outcome",
      ),
      el("span", { text: "HTTP " }),
      el("strong", { text: code, testid: "webhook-test-status" }),
      el("span", { class: "muted", text: " · " }),
      el("span", { text: `${outcome.duration_ms} ms`, testid: "webhook-test-duration" }),
      el("span", { class: "muted small", text: ` · event ${outcome.event_id}` }),
    ]),
    ...(outcome.error
      ? [
          el("p", {
            class: "endpoint-error small",
            text: outcome.error,
            testid: "webhook-test-error",
          }),
        ]
      : []),
    el("div", { class: "small muted", text: "Response body" }),
    el("pre", {
      class: "response",
      text: outcome.response_body || "(empty)",
      testid: "webhook-test-body",
    }),
  );
}

function editPanel(
  context: WebhooksContext,
  endpoint: Endpoint,
  panel: HTMLElement,
  item: HTMLElement,
  close: () => void,
) {
  const formError = el("div", { class: "alert alert-error", role: "alert", hidden: "" });
  const url = el("input", {
    id: `edit-url-${endpoint.id}`,
    name: "url",
    type: "url",
    maxlength: "2048",
    testid: "webhook-edit-url",
  });
  url.value = endpoint.url;
  const description = el("input", {
    id: `edit-desc-${endpoint.id}`,
    name: "description",
    maxlength: "500",
    testid: "webhook-edit-description",
  });
  description.value = endpoint.description ?? "";
  const active = el("input", { type: "checkbox", name: "active", testid: "webhook-edit-active" });
  active.checked = endpoint.active;
  const save = el("button", {
    type: "submit",
    class: "primary",
    text: "Save",
    testid: "webhook-edit-save",
  });
  const cancel = el("button", { type: "button", text: "Cancel" });
  const form = el("form", { novalidate: "" }, [
    el("label", { for: url.id, text: "Endpoint URL" }),
    url,
    el("fieldset", { class: "events-fieldset" }, [
      el("legend", { text: "Events to send" }),
      el(
        "div",
        { class: "check-grid" },
        eventCheckboxes(context.eventTypes(), "events", endpoint.events, "webhook-edit-event"),
      ),
    ]),
    el("label", { for: description.id, text: "Description (optional)" }),
    description,
    el("label", { class: "check toggle" }, [
      active,
      el("span", {
        text: "Active — uncheck to pause deliveries (events are not sent while paused)",
      }),
    ]),
    formError,
    el("div", { class: "actions" }, [save, cancel]),
  ]);
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(formError);
    setBusy(form, true);
    try {
      const updated = await api<Endpoint>("PATCH", endpointPath(endpoint), {
        url: url.value.trim(),
        description: description.value.trim() || null,
        events: checkedValues(form, "events"),
        active: active.checked,
      });
      context.replaceEndpoint(item, updated);
      flash(context.notice, `Saved the webhook to ${updated.url}.`);
    } catch (error) {
      showError(formError, error);
      setBusy(form, false);
    }
  });
  panel.append(form);
}

function deliveryRow(attempt: Attempt) {
  const ok =
    attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300;
  const [label, tone] = OUTCOMES[attempt.outcome] ?? [attempt.outcome || "—", ok ? "ok" : "danger"];
  const details = el("td", { class: "small" });
  if (attempt.error) details.append(el("div", { class: "endpoint-error", text: attempt.error }));
  if (attempt.response_excerpt) {
    details.append(
      el("details", null, [
        el("summary", { text: "Response" }),
        el("pre", { class: "response", text: attempt.response_excerpt }),
      ]),
    );
  }
  return el("tr", { testid: "webhook-delivery-row", "data-event-id": attempt.event_id }, [
    el("td", { class: "nowrap" }, [timeNode(attempt.created_at, "—")]),
    el("td", null, [
      el("span", { class: "chip", text: attempt.event_type }),
      el("div", { class: "muted small", text: attempt.event_id }),
    ]),
    el("td", { text: `#${attempt.attempt}` }),
    el("td", null, [badge(label, tone, "webhook-delivery-outcome")]),
    el("td", { text: attempt.status_code === null ? "—" : String(attempt.status_code) }),
    el("td", { class: "nowrap", text: `${attempt.duration_ms} ms` }),
    details,
  ]);
}

function deliveriesPanel(endpoint: Endpoint, panel: HTMLElement) {
  const body = el("tbody", { testid: "webhook-deliveries-list" });
  const heads = ["When", "Event", "Attempt", "Result", "HTTP", "Duration", "Details"];
  const table = el("div", { class: "table-wrap", hidden: "" }, [
    el("table", { class: "compact" }, [
      el("thead", null, [
        el(
          "tr",
          null,
          heads.map((head) => el("th", { text: head })),
        ),
      ]),
      body,
    ]),
  ]);
  const state = el("p", { class: "muted", text: "Loading…", testid: "webhook-deliveries-status" });
  const errorSlot = el("div");
  const refresh = el("button", {
    type: "button",
    class: "small",
    text: "Refresh",
    testid: "webhook-deliveries-refresh",
  });
  const more = el("button", { type: "button", class: "small", text: "Load older", hidden: "" });
  let cursor: string | null = null;
  async function fetchPage(reset: boolean) {
    if (reset) cursor = null;
    errorSlot.replaceChildren();
    let page: Page<Attempt>;
    try {
      const query = `?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      page = await api<Page<Attempt>>("GET", endpointPath(endpoint, `/deliveries${query}`));
    } catch (error) {
      state.hidden = true;
      errorSlot.replaceChildren(errorAlert(error));
      return;
    }
    if (reset) body.replaceChildren();
    for (const attempt of page.data) body.append(deliveryRow(attempt));
    cursor = page.next_cursor;
    more.hidden = !page.has_more;
    table.hidden = body.children.length === 0;
    state.textContent = "No deliveries yet.";
    state.hidden = body.children.length > 0;
  }
  refresh.addEventListener("click", () => fetchPage(true));
  more.addEventListener("click", () => fetchPage(false));
  panel.append(
    el("div", { class: "panel-head" }, [
      el("strong", { text: "Delivery attempts, newest first" }),
      refresh,
    ]),
    errorSlot,
    state,
    table,
    more,
  );
  void fetchPage(true);
}

function showEndpointSecret(
  panel: HTMLElement,
  title: string,
  secret: string,
  note: string | null,
) {
  showSecret(panel, {
    title,
    secret,
    note,
    testid: "webhook-secret",
    doneLabel: "Hide",
    warning:
      "Anyone with this secret can forge webhook requests to you. Keep it out of source control.",
  });
}

async function secretPanel(endpoint: Endpoint, panel: HTMLElement) {
  panel.append(el("p", { class: "muted", text: "Loading…" }));
  try {
    const result = await api<{ secret: string; previous_secret_expires_at: string | null }>(
      "GET",
      endpointPath(endpoint, "/secret"),
    );
    const until = result.previous_secret_expires_at;
    showEndpointSecret(
      panel,
      "Signing secret",
      result.secret,
      until ? `The previous secret also signs requests until ${formatTime(until)}.` : null,
    );
  } catch (error) {
    panel.replaceChildren(errorAlert(error));
  }
}

/** Resolves true when the secret was rotated (and is now shown in the panel). */
async function rotateSecret(
  context: WebhooksContext,
  endpoint: Endpoint,
  panel: HTMLElement,
  button: HTMLButtonElement,
): Promise<boolean> {
  const values = await confirmDialog({
    title: "Rotate the signing secret?",
    message: `A new secret is generated for ${endpoint.url}. During the grace period each request is signed with both the old and the new secret, so you can update your receiver without missing events.`,
    confirmLabel: "Rotate secret",
    fields: [
      selectField(
        "grace",
        "Old secret keeps signing for",
        [
          ["0", "No grace period (switch now)"],
          ["3600", "1 hour"],
          ["86400", "24 hours (recommended)"],
          ["604800", "7 days"],
        ],
        "86400",
        "webhook-rotate-grace",
      ),
    ],
  });
  if (!values) return false;
  clearError(context.errorBox);
  button.disabled = true;
  try {
    const grace = Number(values.grace) || 0;
    const rotated = await api<{ secret: string }>(
      "POST",
      endpointPath(endpoint, "/rotate-secret"),
      {
        grace_period_seconds: grace,
      },
    );
    panel.hidden = false;
    const until = new Date(Date.now() + grace * 1000).toISOString();
    showEndpointSecret(
      panel,
      "New signing secret",
      rotated.secret,
      grace
        ? `The old secret also signs requests until ${formatTime(until)}.`
        : "The old secret no longer signs requests.",
    );
    flash(context.notice, "The signing secret was rotated.");
    return true;
  } catch (error) {
    showError(context.errorBox, error);
    return false;
  } finally {
    button.disabled = false;
  }
}

async function deleteEndpoint(
  context: WebhooksContext,
  endpoint: Endpoint,
  button: HTMLButtonElement,
) {
  const waiting = endpoint.pending_count
    ? `, including ${endpoint.pending_count} event(s) still waiting to be delivered`
    : "";
  const confirmed = await confirmDialog({
    title: "Delete this webhook?",
    message: `${endpoint.url} stops receiving events immediately${waiting}. This cannot be undone.`,
    confirmLabel: "Delete webhook",
    danger: true,
  });
  if (!confirmed) return;
  clearError(context.errorBox);
  button.disabled = true;
  try {
    await api("DELETE", endpointPath(endpoint));
    flash(context.notice, `The webhook to ${endpoint.url} was deleted.`);
    await context.reload();
  } catch (error) {
    showError(context.errorBox, error);
    button.disabled = false;
  }
}
