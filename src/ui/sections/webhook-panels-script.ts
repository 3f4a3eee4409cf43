/**
 * Per-endpoint actions of the webhooks section: Test, Edit, Delivery log, Reveal secret, Rotate
 * secret, Delete. A fragment spliced into ./webhooks-script.ts's function scope (it uses that
 * script's helpers: endpointPath, eventCheckboxes, eventLabel, eventTypes, replaceEndpoint, load,
 * notice, errorBox), so it is not a standalone script.
 */
export const WEBHOOK_PANELS_SCRIPT = `
  var OUTCOMES = {
    delivered: ["Delivered", "ok"], transient: ["Will retry", "warn"],
    gone: ["Gone", "danger"], fatal: ["Failed", "danger"],
  };

  function endpointActions(endpoint, item, panel) {
    var bar = SB.el("div", { class: "endpoint-actions" });
    function tab(label, name, testid, build) {
      var button = SB.el("button", { type: "button", class: "small", text: label, testid: testid, "aria-expanded": "false", "data-panel": name });
      button.addEventListener("click", function () { togglePanel(item, panel, name, build); });
      bar.append(button);
    }
    function action(label, testid, run, danger) {
      var button = SB.el("button", { type: "button", class: "small" + (danger ? " danger" : ""), text: label, testid: testid });
      button.addEventListener("click", function () { run(button); });
      bar.append(button);
    }
    if (SB.isAdmin) tab("Test", "test", "webhook-test", function () { testPanel(endpoint, panel); });
    if (SB.isAdmin) tab("Edit", "edit", "webhook-edit", function () { editPanel(endpoint, panel, item); });
    tab("Delivery log", "log", "webhook-log", function () { deliveriesPanel(endpoint, panel); });
    if (SB.isAdmin) {
      tab("Reveal secret", "secret", "webhook-reveal-secret", function () { secretPanel(endpoint, panel); });
      action("Rotate secret", "webhook-rotate-secret", function (button) { rotateSecret(endpoint, item, panel, button); });
      action("Delete", "webhook-delete", function (button) { deleteEndpoint(endpoint, button); }, true);
    }
    return bar;
  }

  function markOpen(item, panel, name) {
    panel.dataset.open = name || "";
    item.querySelectorAll("[data-panel]").forEach(function (button) {
      button.setAttribute("aria-expanded", String(button.dataset.panel === name));
    });
  }

  function togglePanel(item, panel, name, build) {
    if (!panel.hidden && panel.dataset.open === name) {
      panel.hidden = true;
      panel.replaceChildren();
      markOpen(item, panel, null);
      return;
    }
    panel.replaceChildren();
    panel.hidden = false;
    markOpen(item, panel, name);
    build();
  }

  function errorAlert(error) {
    var box = SB.el("div", { class: "alert alert-error", role: "alert" });
    SB.showError(box, error);
    return box;
  }

  function testPanel(endpoint, panel) {
    var types = eventTypes.length ? eventTypes.map(function (t) { return t.type; }) : endpoint.events;
    var field = SB.selectField("event_type", "Sample event to send", types.map(function (type) {
      return [type, eventLabel(type) + " (" + type + ")"];
    }), endpoint.events[0] || types[0], "webhook-test-event");
    var send = SB.el("button", { type: "submit", class: "primary", text: "Send test event", testid: "webhook-test-send" });
    var result = SB.el("div", { class: "test-result", testid: "webhook-test-result", role: "status", hidden: "" });
    var form = SB.el("form", { class: "inline-row", novalidate: "" }, [field, send]);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      send.disabled = true;
      result.hidden = false;
      result.className = "test-result";
      result.replaceChildren(SB.el("span", { class: "muted", text: "Sending…" }));
      try {
        var outcome = await SB.api("POST", endpointPath(endpoint, "/test"), { event_type: form.elements.event_type.value });
        renderTestResult(result, outcome);
      } catch (error) {
        result.replaceChildren(errorAlert(error));
      } finally {
        send.disabled = false;
      }
    });
    panel.append(SB.el("p", { class: "muted small", text: "Sends a signed sample payload of the chosen type to this endpoint now and shows what it answered." }), form, result);
  }

  function renderTestResult(result, outcome) {
    result.className = "test-result " + (outcome.ok ? "test-ok" : "test-fail");
    var code = outcome.status_code === null || outcome.status_code === undefined ? "no response" : String(outcome.status_code);
    var parts = [
      SB.el("div", { class: "test-line" }, [
        SB.badge(outcome.ok ? "Success" : "Failed", outcome.ok ? "ok" : "danger", "webhook-test-outcome"),
        SB.el("span", { text: "HTTP " }), SB.el("strong", { text: code, testid: "webhook-test-status" }),
        SB.el("span", { class: "muted", text: " · " }),
        SB.el("span", { text: outcome.duration_ms + " ms", testid: "webhook-test-duration" }),
        SB.el("span", { class: "muted small", text: " · event " + outcome.event_id }),
      ]),
      outcome.error ? SB.el("p", { class: "endpoint-error small", text: outcome.error, testid: "webhook-test-error" }) : null,
      SB.el("div", { class: "small muted", text: "Response body" }),
      SB.el("pre", { class: "response", text: outcome.response_body || "(empty)", testid: "webhook-test-body" }),
    ];
    result.replaceChildren.apply(result, parts.filter(Boolean));
  }

  function editPanel(endpoint, panel, item) {
    var formError = SB.el("div", { class: "alert alert-error", role: "alert", hidden: "" });
    var url = SB.el("input", { id: "edit-url-" + endpoint.id, name: "url", type: "url", maxlength: "2048", testid: "webhook-edit-url" });
    url.value = endpoint.url;
    var description = SB.el("input", { id: "edit-desc-" + endpoint.id, name: "description", maxlength: "500", testid: "webhook-edit-description" });
    description.value = endpoint.description || "";
    var active = SB.el("input", { type: "checkbox", name: "active", testid: "webhook-edit-active" });
    active.checked = endpoint.active;
    var save = SB.el("button", { type: "submit", class: "primary", text: "Save", testid: "webhook-edit-save" });
    var cancel = SB.el("button", { type: "button", text: "Cancel" });
    var form = SB.el("form", { novalidate: "" }, [
      SB.el("label", { for: url.id, text: "Endpoint URL" }), url,
      SB.el("fieldset", { class: "events-fieldset" }, [
        SB.el("legend", { text: "Events to send" }),
        SB.el("div", { class: "check-grid" }, eventCheckboxes("events", endpoint.events, "webhook-edit-event")),
      ]),
      SB.el("label", { for: description.id, text: "Description (optional)" }), description,
      SB.el("label", { class: "check toggle" }, [active, SB.el("span", { text: "Active — uncheck to pause deliveries (events are not sent while paused)" })]),
      formError,
      SB.el("div", { class: "actions" }, [save, cancel]),
    ]);
    cancel.addEventListener("click", function () { togglePanel(item, panel, "edit"); });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      SB.clearError(formError);
      SB.setBusy(form, true);
      try {
        var updated = await SB.api("PATCH", endpointPath(endpoint), {
          url: url.value.trim(), description: description.value.trim() || null,
          events: SB.checkedValues(form, "events"), active: active.checked,
        });
        replaceEndpoint(item, updated);
        SB.flash(notice, "Saved the webhook to " + updated.url + ".");
      } catch (error) {
        SB.showError(formError, error);
        SB.setBusy(form, false);
      }
    });
    panel.append(form);
  }

  function deliveryRow(attempt) {
    var outcome = OUTCOMES[attempt.outcome] || [String(attempt.outcome || "—"),
      attempt.status_code >= 200 && attempt.status_code < 300 ? "ok" : "danger"];
    var details = SB.el("td", { class: "small" });
    if (attempt.error) details.append(SB.el("div", { class: "endpoint-error", text: attempt.error }));
    if (attempt.response_excerpt) {
      details.append(SB.el("details", null, [
        SB.el("summary", { text: "Response" }),
        SB.el("pre", { class: "response", text: attempt.response_excerpt }),
      ]));
    }
    return SB.el("tr", { testid: "webhook-delivery-row", "data-event-id": attempt.event_id || "" }, [
      SB.el("td", { class: "nowrap" }, [SB.timeNode(attempt.created_at, "—")]),
      SB.el("td", null, [
        SB.el("span", { class: "chip", text: attempt.event_type || "" }),
        SB.el("div", { class: "muted small", text: attempt.event_id || "" }),
      ]),
      SB.el("td", { text: attempt.attempt !== undefined && attempt.attempt !== null ? "#" + attempt.attempt : "" }),
      SB.el("td", null, [SB.badge(outcome[0], outcome[1], "webhook-delivery-outcome")]),
      SB.el("td", { text: attempt.status_code === null || attempt.status_code === undefined ? "—" : String(attempt.status_code) }),
      SB.el("td", { class: "nowrap", text: attempt.duration_ms === null || attempt.duration_ms === undefined ? "—" : attempt.duration_ms + " ms" }),
      details,
    ]);
  }

  function deliveriesPanel(endpoint, panel) {
    var body = SB.el("tbody", { testid: "webhook-deliveries-list" });
    var heads = ["When", "Event", "Attempt", "Result", "HTTP", "Duration", "Details"];
    var table = SB.el("div", { class: "table-wrap", hidden: "" }, [SB.el("table", { class: "compact" }, [
      SB.el("thead", null, [SB.el("tr", null, heads.map(function (h) { return SB.el("th", { text: h }); }))]),
      body,
    ])]);
    var state = SB.el("p", { class: "muted", text: "Loading…", testid: "webhook-deliveries-status" });
    var errorSlot = SB.el("div");
    var refresh = SB.el("button", { type: "button", class: "small", text: "Refresh", testid: "webhook-deliveries-refresh" });
    var more = SB.el("button", { type: "button", class: "small", text: "Load older", hidden: "" });
    var cursor = null;
    async function fetchPage(reset) {
      if (reset) cursor = null;
      errorSlot.replaceChildren();
      var page;
      try {
        page = await SB.api("GET", endpointPath(endpoint, "/deliveries?limit=20" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")));
      } catch (error) {
        if (error.status !== 404) {
          state.hidden = true;
          errorSlot.replaceChildren(errorAlert(error));
          return;
        }
        page = { data: [], has_more: false, next_cursor: null }; // no log yet (or not built yet)
      }
      if (reset) body.replaceChildren();
      (page.data || []).forEach(function (attempt) { body.append(deliveryRow(attempt)); });
      cursor = page.next_cursor || null;
      more.hidden = !page.has_more;
      table.hidden = body.children.length === 0;
      state.textContent = "No deliveries yet.";
      state.hidden = body.children.length > 0;
    }
    refresh.addEventListener("click", function () { fetchPage(true); });
    more.addEventListener("click", function () { fetchPage(false); });
    panel.append(
      SB.el("div", { class: "panel-head" }, [SB.el("strong", { text: "Delivery attempts, newest first" }), refresh]),
      errorSlot, state, table, more,
    );
    fetchPage(true);
  }

  async function secretPanel(endpoint, panel) {
    panel.append(SB.el("p", { class: "muted", text: "Loading…" }));
    try {
      var result = await SB.api("GET", endpointPath(endpoint, "/secret"));
      showEndpointSecret(panel, "Signing secret", result.secret, result.previous_secret_expires_at
        ? "The previous secret also signs requests until " + SB.formatTime(result.previous_secret_expires_at) + "."
        : null);
    } catch (error) {
      panel.replaceChildren(errorAlert(error));
    }
  }

  function showEndpointSecret(panel, title, secret, note) {
    SB.showSecret(panel, {
      title: title, secret: secret, note: note, testid: "webhook-secret", doneLabel: "Hide",
      warning: "Anyone with this secret can forge webhook requests to you. Keep it out of source control.",
    });
  }

  async function rotateSecret(endpoint, item, panel, button) {
    var values = await SB.confirmDialog({
      title: "Rotate the signing secret?",
      message: "A new secret is generated for " + endpoint.url + ". During the grace period each request is signed with both the old and the new secret, so you can update your receiver without missing events.",
      confirmLabel: "Rotate secret",
      fields: [SB.selectField("grace", "Old secret keeps signing for", [
        ["0", "No grace period (switch now)"], ["3600", "1 hour"], ["86400", "24 hours (recommended)"], ["604800", "7 days"],
      ], "86400", "webhook-rotate-grace")],
    });
    if (!values) return;
    SB.clearError(errorBox);
    button.disabled = true;
    try {
      var grace = Number(values.grace) || 0;
      var rotated = await SB.api("POST", endpointPath(endpoint, "/rotate-secret"), { grace_period_seconds: grace });
      panel.hidden = false;
      markOpen(item, panel, "secret");
      showEndpointSecret(panel, "New signing secret", rotated.secret, grace
        ? "The old secret also signs requests until " + SB.formatTime(new Date(Date.now() + grace * 1000).toISOString()) + "."
        : "The old secret no longer signs requests.");
      SB.flash(notice, "The signing secret was rotated.");
    } catch (error) {
      SB.showError(errorBox, error);
    } finally {
      button.disabled = false;
    }
  }

  async function deleteEndpoint(endpoint, button) {
    var confirmed = await SB.confirmDialog({
      title: "Delete this webhook?",
      message: endpoint.url + " stops receiving events immediately" +
        (endpoint.pending_count ? ", including " + endpoint.pending_count + " event(s) still waiting to be delivered" : "") +
        ". This cannot be undone.",
      confirmLabel: "Delete webhook",
      danger: true,
    });
    if (!confirmed) return;
    SB.clearError(errorBox);
    button.disabled = true;
    try {
      await SB.api("DELETE", endpointPath(endpoint));
      SB.flash(notice, "The webhook to " + endpoint.url + " was deleted.");
      await load(true);
    } catch (error) {
      SB.showError(errorBox, error);
      button.disabled = false;
    }
  }
`;
