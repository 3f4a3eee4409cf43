/**
 * Browser side of the webhooks section (src/ui/sections/webhooks.tsx): the endpoint cards with
 * their delivery health, failure notices and the Add Webhook form. Per-endpoint panels live in
 * ./webhook-panels.ts.
 */
import { api, isSignedOut, type Page } from "../lib/api";
import { byTestId, el, maybeByTestId } from "../lib/dom";
import { clearError, showError } from "../lib/errors";
import { checkedValues, createForm } from "../lib/forms";
import { timeNode } from "../lib/time";
import { isAdmin } from "../lib/viewer";
import { badge, showSecret, type Tone } from "../lib/widgets";
import { healthBox, refreshHealthPeriodically } from "./delivery-health";
import {
  type Endpoint,
  type EndpointWithSecret,
  type EventType,
  eventCheckboxes,
  eventLabel,
  shortUrl,
  type WebhooksContext,
} from "./webhook-model";
import { endpointActions } from "./webhook-panels";

interface Notification {
  type: string;
  message: string;
  endpoint_id: string | null;
  created_at: string;
}

const DEFAULT_EVENTS = ["message.delivered", "message.received"];
const STATUS: Record<Endpoint["status"], [label: string, tone: Tone]> = {
  active: ["Active", "ok"],
  retrying: ["Retrying", "warn"],
  failed: ["Failing", "danger"],
  disabled: ["Disabled", "muted"],
};
const NOTICE_TONES: Record<string, string> = {
  "endpoint.failed": "danger",
  "endpoint.disabled": "warn",
  "endpoint.recovered": "ok",
};

export function mountWebhooks(): void {
  const root = maybeByTestId(document, "webhooks-section");
  if (!root) return;
  const list = byTestId(root, "webhook-list");
  const status = byTestId(root, "webhook-status");
  const errorBox = byTestId(root, "webhook-error");
  const notice = byTestId(root, "webhook-notice");
  const failures = byTestId(root, "webhook-failures");
  const secretReveal = byTestId(root, "webhook-secret-reveal");
  const more = byTestId<HTMLButtonElement>(root, "webhook-more");
  const form = maybeByTestId<HTMLFormElement>(root, "webhook-create-form");
  let eventTypes: EventType[] = [];
  let endpoints: Endpoint[] = [];
  let notifications: Notification[] = [];
  let cursor: string | null = null;

  const context: WebhooksContext = {
    eventTypes: () => eventTypes,
    replaceEndpoint: (item, updated) => {
      endpoints = endpoints.map((endpoint) => (endpoint.id === updated.id ? updated : endpoint));
      item.replaceWith(endpointItem(updated));
      renderFailures();
      void loadNotifications();
    },
    reload: () => load(true),
    notice,
    errorBox,
  };

  const stat = (label: string, value: Node) =>
    el("div", { class: "stat" }, [el("dt", { text: label }), el("dd", null, [value])]);

  function endpointItem(endpoint: Endpoint): HTMLElement {
    const [label, tone] = STATUS[endpoint.status] ?? [endpoint.status, "info"];
    const item = el("article", {
      class: `endpoint endpoint-${endpoint.status}`,
      testid: "webhook-item",
      "data-endpoint-id": endpoint.id,
    });
    item.append(
      el("div", { class: "endpoint-head" }, [
        el("code", { class: "endpoint-url", text: endpoint.url, testid: "webhook-url" }),
        badge(label, tone, "webhook-status"),
      ]),
    );
    if (endpoint.description) {
      item.append(
        el("p", {
          class: "muted small",
          text: endpoint.description,
          testid: "webhook-description",
        }),
      );
    }
    item.append(
      el(
        "div",
        { class: "chips", testid: "webhook-events", "aria-label": "Events" },
        endpoint.events.map((type) =>
          el("span", { class: "chip", text: type, title: eventLabel(type) }),
        ),
      ),
      el("dl", { class: "stats" }, [
        stat(
          "Pending",
          el("span", { text: String(endpoint.pending_count), testid: "webhook-pending" }),
        ),
        stat("Last success", timeNode(endpoint.last_success_at, "—", "webhook-last-success")),
        stat("Last failure", timeNode(endpoint.last_failure_at, "—", "webhook-last-failure")),
        stat("Added", timeNode(endpoint.created_at)),
      ]),
    );
    if (endpoint.last_error) {
      item.append(
        el("p", { class: "endpoint-error small", testid: "webhook-last-error" }, [
          el("strong", { text: "Last error: " }),
          endpoint.last_error,
        ]),
      );
    }
    item.append(healthBox(endpoint));
    const panel = el("div", { class: "endpoint-panel", testid: "webhook-panel", hidden: "" });
    item.append(endpointActions(context, endpoint, item, panel), panel);
    return item;
  }

  function failureItem(endpoint: Endpoint): HTMLElement | null {
    if (endpoint.status === "failed") {
      const waiting =
        endpoint.pending_count === 1 ? "1 event is" : `${endpoint.pending_count} events are`;
      const why = endpoint.last_error ? ` (last error: ${endpoint.last_error}). ` : ". ";
      return el(
        "li",
        {
          class: "notice notice-danger",
          testid: "webhook-failure",
          "data-endpoint-id": endpoint.id,
        },
        [
          el("strong", { text: "Failing endpoint. " }),
          `Deliveries to ${shortUrl(endpoint.url)} are failing${why}${waiting} waiting. We retry every hour; fix your endpoint, then save it (Edit → Save) to retry at once.`,
        ],
      );
    }
    if (endpoint.status === "disabled") {
      return el(
        "li",
        { class: "notice notice-warn", testid: "webhook-failure", "data-endpoint-id": endpoint.id },
        [
          el("strong", { text: "Disabled endpoint. " }),
          `${shortUrl(endpoint.url)} receives no events. Edit it and tick Active to resume.`,
        ],
      );
    }
    return null;
  }

  function renderFailures() {
    const items = endpoints.map(failureItem).filter((item) => item !== null);
    const recent = notifications.slice(0, 5).map((note) =>
      el(
        "li",
        {
          class: `notice notice-${NOTICE_TONES[note.type] ?? "info"}`,
          testid: "webhook-notification",
          "data-endpoint-id": note.endpoint_id ?? "",
        },
        [el("span", { text: note.message }), " · ", timeNode(note.created_at, "")],
      ),
    );
    failures.replaceChildren();
    failures.hidden = items.length === 0 && recent.length === 0;
    if (items.length) failures.append(el("h3", { text: "Needs attention" }), el("ul", null, items));
    if (recent.length)
      failures.append(el("h3", { text: "Recent notices" }), el("ul", null, recent));
  }

  async function loadNotifications() {
    try {
      const page = await api<Page<Notification>>("GET", "/v1/notifications?limit=10");
      notifications = Array.isArray(page?.data) ? page.data : [];
    } catch {
      notifications = []; // notices are a courtesy: never block the page on them
    }
    renderFailures();
  }

  async function load(reset: boolean) {
    clearError(errorBox);
    if (reset) cursor = null;
    const path = `/v1/webhooks?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      const page = await api<Page<Endpoint>>("GET", path);
      if (reset) {
        list.replaceChildren();
        endpoints = [];
      }
      for (const endpoint of page.data) {
        endpoints.push(endpoint);
        list.append(endpointItem(endpoint));
      }
      cursor = page.next_cursor;
      more.hidden = !page.has_more;
      status.textContent = isAdmin
        ? "No webhooks yet. Click Add Webhook to create one."
        : "No webhooks yet.";
      status.hidden = list.children.length > 0;
      renderFailures();
      if (reset) void loadNotifications();
    } catch (error) {
      status.hidden = true;
      if (!isSignedOut(error)) showError(errorBox, error);
    }
  }

  async function loadEventTypes() {
    try {
      eventTypes = (await api<{ data: EventType[] }>("GET", "/v1/event-types")).data ?? [];
    } catch (error) {
      eventTypes = DEFAULT_EVENTS.map((type) => ({ type, description: "" }));
      if (form) showError(byTestId(form, "webhook-create-error"), error);
    }
    if (form) {
      byTestId(form, "webhook-create-events").replaceChildren(
        ...eventCheckboxes(eventTypes, "events", DEFAULT_EVENTS, "webhook-create-event"),
      );
    }
  }

  if (form) {
    createForm<EndpointWithSecret>({
      form,
      button: byTestId<HTMLButtonElement>(root, "webhook-new-button"),
      focus: "url",
      errorTestid: "webhook-create-error",
      cancelTestid: "webhook-create-cancel",
      body: (values) => ({
        url: values.url,
        events: checkedValues(form, "events"),
        ...(values.description ? { description: values.description } : {}),
        ...(values.secret ? { secret: values.secret } : {}),
        ...(values.client_secret ? { client_secret: values.client_secret } : {}),
      }),
      create: (body) => api<EndpointWithSecret>("POST", "/v1/webhooks", body),
      created: async (created) => {
        showSecret(secretReveal, {
          title: `Signing secret for ${shortUrl(created.url)}`,
          secret: created.secret,
          warning:
            "Copy the signing secret now and give it to your receiver: it verifies that each request really comes from Switchboard. Keep it private.",
          note: "You can reveal it again later with the endpoint's Reveal secret button.",
          testid: "webhook-secret-reveal",
        });
        await load(true);
      },
    });
  }
  more.addEventListener("click", () => load(false));
  void loadEventTypes();
  void load(true);
  refreshHealthPeriodically(list);
}
