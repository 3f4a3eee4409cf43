import { WEBHOOK_PANELS_SCRIPT } from "./webhook-panels-script";

/**
 * Browser side of the webhooks section (./webhooks.tsx): the endpoint list, failure notices and
 * the Add Webhook form. Per-endpoint panels (test, edit, delivery log, secrets, delete) live in
 * ./webhook-panels-script.ts and share this script's scope.
 */
export const WEBHOOKS_SCRIPT = `
(function () {
  var root = document.querySelector('[data-testid="webhooks-section"]');
  if (!root) return;
  var list = root.querySelector('[data-testid="webhook-list"]');
  var status = root.querySelector('[data-testid="webhook-status"]');
  var errorBox = root.querySelector('[data-testid="webhook-error"]');
  var notice = root.querySelector('[data-testid="webhook-notice"]');
  var failures = root.querySelector('[data-testid="webhook-failures"]');
  var secretReveal = root.querySelector('[data-testid="webhook-secret-reveal"]');
  var more = root.querySelector('[data-testid="webhook-more"]');
  var newButton = root.querySelector('[data-testid="webhook-new-button"]');
  var form = root.querySelector('[data-testid="webhook-create-form"]');
  var DEFAULT_EVENTS = ["message.delivered", "message.received"];
  var EVENT_LABELS = {
    "message.sent": "Message sent", "message.delivered": "Message delivered",
    "message.failed": "Message failed", "message.unknown": "Message status unknown",
    "message.received": "Inbound message received", "phone_call.completed": "Phone call completed",
    "contact.created": "Contact created", "contact.opted_out": "Contact opted out",
    "contact.opted_in": "Contact opted in", "contact.tag_changed": "Contact tags changed",
  };
  var STATUS = {
    active: ["Active", "ok"], retrying: ["Retrying", "warn"],
    failed: ["Failing", "danger"], disabled: ["Disabled", "muted"],
  };
  var NOTICE_TONES = { "endpoint.failed": "danger", "endpoint.disabled": "warn", "endpoint.recovered": "ok" };
  var eventTypes = [];
  var endpoints = [];
  var notifications = [];
  var cursor = null;

  function eventLabel(type) {
    if (EVENT_LABELS[type]) return EVENT_LABELS[type];
    var text = String(type).split(".").join(" ").split("_").join(" ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /** One checkbox per known event type (or just the selected ones if the catalog did not load). */
  function eventCheckboxes(name, selected, testid) {
    var types = eventTypes.length ? eventTypes : selected.map(function (type) { return { type: type, description: "" }; });
    return types.map(function (eventType) {
      var box = SB.el("input", { type: "checkbox", name: name, value: eventType.type, testid: testid });
      if (selected.indexOf(eventType.type) !== -1) {
        box.checked = true;
        box.defaultChecked = true;
      }
      return SB.el("label", { class: "check", title: eventType.description || eventType.type }, [
        box, SB.el("span", { text: eventLabel(eventType.type) }), SB.el("code", { class: "check-code", text: eventType.type }),
      ]);
    });
  }

  function endpointPath(endpoint, suffix) {
    return "/v1/webhooks/" + encodeURIComponent(endpoint.id) + (suffix || "");
  }

  function statusBadge(endpoint) {
    var entry = STATUS[endpoint.status] || [endpoint.status, "info"];
    return SB.badge(entry[0], entry[1], "webhook-status");
  }

  function stat(label, value) {
    return SB.el("div", { class: "stat" }, [SB.el("dt", { text: label }), SB.el("dd", null, [value])]);
  }

  function endpointItem(endpoint) {
    var item = SB.el("article", { class: "endpoint endpoint-" + endpoint.status, testid: "webhook-item", "data-endpoint-id": endpoint.id });
    item.append(SB.el("div", { class: "endpoint-head" }, [
      SB.el("code", { class: "endpoint-url", text: endpoint.url, testid: "webhook-url" }),
      statusBadge(endpoint),
    ]));
    if (endpoint.description) item.append(SB.el("p", { class: "muted small", text: endpoint.description, testid: "webhook-description" }));
    item.append(SB.el("div", { class: "chips", testid: "webhook-events", "aria-label": "Events" }, endpoint.events.map(function (type) {
      return SB.el("span", { class: "chip", text: type, title: eventLabel(type) });
    })));
    item.append(SB.el("dl", { class: "stats" }, [
      stat("Pending", SB.el("span", { text: String(endpoint.pending_count), testid: "webhook-pending" })),
      stat("Last success", SB.timeNode(endpoint.last_success_at, "—", "webhook-last-success")),
      stat("Last failure", SB.timeNode(endpoint.last_failure_at, "—", "webhook-last-failure")),
      stat("Added", SB.el("span", { text: SB.formatDate(endpoint.created_at), title: SB.formatTime(endpoint.created_at) })),
    ]));
    if (endpoint.last_error) {
      item.append(SB.el("p", { class: "endpoint-error small", testid: "webhook-last-error" }, [
        SB.el("strong", { text: "Last error: " }), document.createTextNode(endpoint.last_error),
      ]));
    }
    var panel = SB.el("div", { class: "endpoint-panel", testid: "webhook-panel", hidden: "" });
    item.append(endpointActions(endpoint, item, panel), panel);
    return item;
  }

  function shortUrl(url) {
    return url.length > 60 ? url.slice(0, 57) + "…" : url;
  }

  function renderFailures() {
    var items = [];
    endpoints.forEach(function (endpoint) {
      if (endpoint.status === "failed") {
        var waiting = endpoint.pending_count === 1 ? "1 event is" : endpoint.pending_count + " events are";
        var text = "Deliveries to " + shortUrl(endpoint.url) + " are failing" +
          (endpoint.last_error ? " (last error: " + endpoint.last_error + "). " : ". ") + waiting +
          " waiting. We retry every hour; fix your endpoint, then save it (Edit → Save) to retry at once.";
        items.push(SB.el("li", { class: "notice notice-danger", testid: "webhook-failure", "data-endpoint-id": endpoint.id }, [
          SB.el("strong", { text: "Failing endpoint. " }), document.createTextNode(text),
        ]));
      } else if (endpoint.status === "disabled") {
        items.push(SB.el("li", { class: "notice notice-warn", testid: "webhook-failure", "data-endpoint-id": endpoint.id }, [
          SB.el("strong", { text: "Disabled endpoint. " }),
          document.createTextNode(shortUrl(endpoint.url) + " receives no events. Edit it and tick Active to resume."),
        ]));
      }
    });
    var recent = notifications.slice(0, 5).map(function (note) {
      var tone = NOTICE_TONES[note.type] || "info";
      return SB.el("li", { class: "notice notice-" + tone, testid: "webhook-notification", "data-endpoint-id": note.endpoint_id || "" }, [
        SB.el("span", { text: note.message }), document.createTextNode(" · "),
        SB.timeNode(note.created_at, "", null),
      ]);
    });
    failures.replaceChildren();
    failures.hidden = items.length === 0 && recent.length === 0;
    if (items.length) failures.append(SB.el("h3", { text: "Needs attention" }), SB.el("ul", null, items));
    if (recent.length) failures.append(SB.el("h3", { text: "Recent notices" }), SB.el("ul", null, recent));
  }

  async function loadNotifications() {
    try {
      var page = await SB.api("GET", "/v1/notifications?limit=10");
      notifications = (page && Array.isArray(page.data)) ? page.data : [];
    } catch (error) {
      notifications = []; // 404 until notifications exist; never block the page on them
    }
    renderFailures();
  }

  async function load(reset) {
    SB.clearError(errorBox);
    if (reset) cursor = null;
    var path = "/v1/webhooks?limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      var page = await SB.api("GET", path);
      if (reset) {
        list.replaceChildren();
        endpoints = [];
      }
      page.data.forEach(function (endpoint) {
        endpoints.push(endpoint);
        list.append(endpointItem(endpoint));
      });
      cursor = page.next_cursor;
      more.hidden = !page.has_more;
      status.textContent = SB.isAdmin ? "No webhooks yet. Click Add Webhook to create one." : "No webhooks yet.";
      status.hidden = list.children.length > 0;
      renderFailures();
      if (reset) loadNotifications();
    } catch (error) {
      status.hidden = true;
      if (error.status === 401) return location.assign("/login");
      SB.showError(errorBox, error);
    }
  }

  /** Swaps one endpoint's card for a fresh one after an edit. */
  function replaceEndpoint(item, updated) {
    endpoints = endpoints.map(function (endpoint) { return endpoint.id === updated.id ? updated : endpoint; });
    item.replaceWith(endpointItem(updated));
    renderFailures();
    loadNotifications();
  }

  async function loadEventTypes() {
    try {
      var catalog = await SB.api("GET", "/v1/event-types");
      eventTypes = catalog.data || [];
    } catch (error) {
      eventTypes = DEFAULT_EVENTS.map(function (type) { return { type: type, description: "" }; });
      if (form) SB.showError(form.querySelector('[data-testid="webhook-create-error"]'), error);
    }
    if (form) {
      var grid = form.querySelector('[data-testid="webhook-create-events"]');
      grid.replaceChildren.apply(grid, eventCheckboxes("events", DEFAULT_EVENTS, "webhook-create-event"));
    }
  }

${WEBHOOK_PANELS_SCRIPT}
  if (form) {
    SB.createForm({
      form: form,
      button: newButton,
      focus: "url",
      errorTestid: "webhook-create-error",
      cancelTestid: "webhook-create-cancel",
      body: function (values) {
        var body = { url: values.url, events: SB.checkedValues(form, "events") };
        if (values.description) body.description = values.description;
        if (values.secret) body.secret = values.secret;
        if (values.client_secret) body.client_secret = values.client_secret;
        return body;
      },
      create: function (body) { return SB.api("POST", "/v1/webhooks", body); },
      created: async function (created) {
        SB.showSecret(secretReveal, {
          title: "Signing secret for " + shortUrl(created.url),
          secret: created.secret,
          warning: "Copy the signing secret now and give it to your receiver: it verifies that each request really comes from Switchboard. Keep it private.",
          note: "You can reveal it again later with the endpoint's Reveal secret button.",
          testid: "webhook-secret-reveal",
        });
        await load(true);
      },
    });
  }
  more.addEventListener("click", function () { load(false); });
  loadEventTypes();
  load(true);
})();
`;
