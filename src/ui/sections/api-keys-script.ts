/** Browser side of the API keys section (./api-keys.tsx): list, create, rotate, delete. */
export const API_KEYS_SCRIPT = `
(function () {
  var root = document.querySelector('[data-testid="api-keys-section"]');
  if (!root) return;
  var list = root.querySelector('[data-testid="key-list"]');
  var status = root.querySelector('[data-testid="key-status"]');
  var errorBox = root.querySelector('[data-testid="key-error"]');
  var notice = root.querySelector('[data-testid="key-notice"]');
  var reveal = root.querySelector('[data-testid="key-reveal"]');
  var more = root.querySelector('[data-testid="key-more"]');
  var newButton = root.querySelector('[data-testid="key-new-button"]');
  var form = root.querySelector('[data-testid="key-create-form"]');
  var cursor = null;
  var WARNING = "Copy the key now — it won't be shown again. Store it somewhere safe, such as a secrets manager.";
  var STATUS_TONES = { active: "ok", expiring: "warn", expired: "muted", revoked: "danger" };
  var STATUS_LABELS = { active: "Active", expiring: "Expiring", expired: "Expired", revoked: "Revoked" };

  function environmentBadge(key) {
    return key.environment === "production"
      ? SB.badge("Production", "live", "key-environment")
      : SB.badge("Test", "test", "key-environment");
  }

  function nameCell(key) {
    var cell = SB.el("td", null, [SB.el("strong", { text: key.name, testid: "key-name-text" })]);
    if (key.description) cell.append(SB.el("div", { class: "muted small", text: key.description }));
    if (key.scopes && key.scopes.length < 9) {
      cell.append(SB.el("div", { class: "muted small", testid: "key-scopes-text", text: "Scopes: " + key.scopes.join(", ") }));
    }
    return cell;
  }

  function statusCell(key) {
    var cell = SB.el("td", null, [
      SB.badge(STATUS_LABELS[key.status] || key.status, STATUS_TONES[key.status], "key-status-badge"),
    ]);
    if (key.status === "expiring" && key.revoked_at) {
      cell.append(SB.el("div", { class: "muted small", text: "Stops " + SB.relativeTime(key.revoked_at), title: SB.formatTime(key.revoked_at) }));
    } else if (key.expires_at && key.status === "active") {
      cell.append(SB.el("div", { class: "muted small", text: "Expires " + SB.formatDate(key.expires_at) }));
    }
    if (key.rotation_due && key.status === "active") {
      cell.append(SB.el("div", {
        class: "hint-warn small", testid: "key-rotation-due",
        text: "Rotation due", title: "This key is more than 90 days old. Rotate it.",
      }));
    }
    return cell;
  }

  function actionsCell(key) {
    var cell = SB.el("td", { class: "row-actions" });
    if (key.status === "active") {
      var rotate = SB.el("button", { type: "button", class: "small", text: "Rotate", testid: "key-rotate", "aria-label": "Rotate " + key.name });
      rotate.addEventListener("click", function () { rotateKey(key, rotate); });
      cell.append(rotate);
    }
    var remove = SB.el("button", { type: "button", class: "small danger", text: "Delete", testid: "key-delete", "aria-label": "Delete " + key.name });
    remove.addEventListener("click", function () { deleteKey(key, remove); });
    cell.append(remove);
    return cell;
  }

  function row(key) {
    var tr = SB.el("tr", { testid: "key-row", "data-key-id": key.id }, [
      nameCell(key),
      SB.el("td", null, [SB.el("code", { text: key.prefix, testid: "key-prefix" })]),
      SB.el("td", null, [environmentBadge(key)]),
      SB.el("td", null, [SB.el("code", { class: "nowrap", text: key.masked, testid: "key-masked" })]),
      SB.el("td", null, [SB.timeNode(key.last_used_at, "Never", "key-last-used")]),
      SB.el("td", { class: "nowrap", text: SB.formatDate(key.created_at), title: SB.formatTime(key.created_at) }),
      statusCell(key),
    ]);
    if (SB.isAdmin) tr.append(actionsCell(key));
    return tr;
  }

  async function load(reset) {
    SB.clearError(errorBox);
    if (reset) cursor = null;
    var path = "/v1/api-keys?limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    status.textContent = "Loading…";
    status.hidden = false;
    try {
      var page = await SB.api("GET", path);
      if (reset) list.replaceChildren();
      page.data.forEach(function (key) { list.append(row(key)); });
      cursor = page.next_cursor;
      more.hidden = !page.has_more;
      status.textContent = SB.isAdmin
        ? "No API keys yet. Click New API Key to create one."
        : "No API keys yet.";
      status.hidden = list.children.length > 0;
    } catch (error) {
      status.hidden = true;
      if (error.status === 401) return location.assign("/login");
      SB.showError(errorBox, error);
    }
  }

  function revealKey(title, issued, note) {
    SB.showSecret(reveal, { title: title, secret: issued.key, warning: WARNING, note: note, testid: "key-reveal" });
  }

  async function rotateKey(key, button) {
    var values = await SB.confirmDialog({
      title: "Rotate “" + key.name + "”?",
      message: "A new secret is created and shown once. Update your application with it; the old secret stops working:",
      confirmLabel: "Rotate key",
      fields: [SB.selectField("grace", "Old secret stops working", [
        ["0", "Immediately"], ["3600", "In 1 hour"], ["86400", "In 24 hours"],
      ], "0", "key-rotate-grace")],
    });
    if (!values) return;
    SB.clearError(errorBox);
    button.disabled = true;
    try {
      var grace = Number(values.grace) || 0;
      var issued = await SB.api("POST", "/v1/api-keys/" + encodeURIComponent(key.id) + "/rotate", { grace_period_seconds: grace });
      var note = grace
        ? "The old secret keeps working for " + (grace === 3600 ? "1 hour" : "24 hours") + ", then stops."
        : "The old secret has stopped working.";
      revealKey("New secret for “" + issued.name + "”", issued, note);
      await load(true);
    } catch (error) {
      SB.showError(errorBox, error);
      button.disabled = false;
    }
  }

  async function deleteKey(key, button) {
    var confirmed = await SB.confirmDialog({
      title: "Delete “" + key.name + "”?",
      message: "This immediately invalidates the key (" + key.masked + "). Any application using it will stop working. This cannot be undone.",
      confirmLabel: "Delete key",
      danger: true,
    });
    if (!confirmed) return;
    SB.clearError(errorBox);
    button.disabled = true;
    try {
      await SB.api("DELETE", "/v1/api-keys/" + encodeURIComponent(key.id));
      SB.flash(notice, "“" + key.name + "” was deleted; it no longer works.");
      await load(true);
    } catch (error) {
      SB.showError(errorBox, error);
      button.disabled = false;
    }
  }

  if (form) {
    SB.createForm({
      form: form,
      button: newButton,
      focus: "name",
      errorTestid: "key-create-error",
      cancelTestid: "key-create-cancel",
      body: function (values) {
        var body = { name: values.name, environment: values.environment };
        if (values.description) body.description = values.description;
        var scopes = SB.checkedValues(form, "scopes");
        if (scopes.length) body.scopes = scopes;
        return body;
      },
      create: function (body) { return SB.api("POST", "/v1/api-keys", body); },
      created: async function (issued) {
        revealKey("Your new " + (issued.environment === "test" ? "test" : "production") + " key “" + issued.name + "”", issued);
        await load(true);
      },
    });
  }
  more.addEventListener("click", function () { load(false); });
  load(true);
})();
`;
