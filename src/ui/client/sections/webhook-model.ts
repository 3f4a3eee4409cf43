/** What the webhooks section's modules share: API shapes, labels, the event checkboxes. */
import { el } from "../lib/dom";

export interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  status: "active" | "retrying" | "failed" | "disabled";
  pending_count: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface EndpointWithSecret extends Endpoint {
  secret: string;
}

export interface EventType {
  type: string;
  description: string;
}

const EVENT_LABELS: Record<string, string> = {
  "message.sent": "Message sent",
  "message.delivered": "Message delivered",
  "message.failed": "Message failed",
  "message.unknown": "Message status unknown",
  "message.received": "Inbound message received",
  "phone_call.completed": "Phone call completed",
  "contact.created": "Contact created",
  "contact.opted_out": "Contact opted out",
  "contact.opted_in": "Contact opted in",
  "contact.tag_changed": "Contact tags changed",
};

export function eventLabel(type: string): string {
  const known = EVENT_LABELS[type];
  if (known) return known;
  const text = type.split(".").join(" ").split("_").join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One checkbox per known event type (or just the selected ones if the catalog did not load). */
export function eventCheckboxes(
  catalog: EventType[],
  name: string,
  selected: string[],
  testid: string,
): HTMLLabelElement[] {
  const types = catalog.length ? catalog : selected.map((type) => ({ type, description: "" }));
  return types.map((eventType) => {
    const box = el("input", { type: "checkbox", name, value: eventType.type, testid });
    if (selected.includes(eventType.type)) {
      box.checked = true;
      box.defaultChecked = true;
    }
    return el("label", { class: "check", title: eventType.description || eventType.type }, [
      box,
      el("span", { text: eventLabel(eventType.type) }),
      el("code", { class: "check-code", text: eventType.type }),
    ]);
  });
}

export const endpointPath = (endpoint: Pick<Endpoint, "id">, suffix = "") =>
  `/v1/webhooks/${encodeURIComponent(endpoint.id)}${suffix}`;

export const shortUrl = (url: string) => (url.length > 60 ? `${url.slice(0, 57)}…` : url);

/** What the per-endpoint panels need from the section that owns the list. */
export interface WebhooksContext {
  eventTypes: () => EventType[];
  /** Swaps one endpoint's card for a fresh one after an edit. */
  replaceEndpoint: (item: HTMLElement, updated: Endpoint) => void;
  reload: () => Promise<void>;
  notice: HTMLElement;
  errorBox: HTMLElement;
}
