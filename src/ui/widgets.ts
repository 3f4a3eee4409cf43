/**
 * Dashboard-only browser widgets, added to `window.SB` after ../client.ts: badges, relative
 * times, a copy-once secret panel and a modal confirmation dialog. Same rules as client.ts:
 * constant code, user data only through textContent / attributes.
 */
export const CLIENT_WIDGETS = `
(function () {
  "use strict";
  var SB = window.SB;
  var el = SB.el;

  /** A small pill; tone is one of ok, warn, danger, muted, info, live, test. */
  function badge(text, tone, testid) {
    var props = { class: "badge badge-" + (tone || "info"), text: text };
    if (testid) props.testid = testid;
    return el("span", props);
  }

  function relativeTime(iso) {
    var at = new Date(iso).getTime();
    if (isNaN(at)) return String(iso);
    var seconds = Math.round((Date.now() - at) / 1000);
    var future = seconds < 0;
    var abs = Math.abs(seconds);
    var units = [[86400 * 30, "month"], [86400, "day"], [3600, "hour"], [60, "minute"]];
    if (abs < 45) return future ? "in a few seconds" : "just now";
    for (var i = 0; i < units.length; i++) {
      if (abs >= units[i][0]) {
        if (units[i][1] === "month" && abs >= 86400 * 60) break;
        var n = Math.round(abs / units[i][0]);
        var label = n + " " + units[i][1] + (n === 1 ? "" : "s");
        return future ? "in " + label : label + " ago";
      }
    }
    if (abs < 86400 * 60) return future ? "soon" : "recently";
    return new Date(at).toLocaleDateString();
  }

  /** A <time> showing "5 minutes ago" with the full local time on hover; emptyText when null. */
  function timeNode(iso, emptyText, testid) {
    var props = testid ? { testid: testid } : {};
    if (!iso) {
      props.class = "muted";
      props.text = emptyText || "Never";
      return el("span", props);
    }
    props.datetime = iso;
    props.title = SB.formatTime(iso);
    props.text = relativeTime(iso);
    return el("time", props);
  }

  function formatDate(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? String(iso || "") : date.toLocaleDateString(undefined, {
      year: "numeric", month: "short", day: "numeric",
    });
  }

  /** Clipboard API first; else select the input's text and try the legacy copy command. */
  async function copyText(text, input) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
      }
    } catch (e) {
      // permission refused or unavailable: fall through to the selection fallback
    }
    if (input) {
      input.focus();
      input.select();
      try {
        if (document.execCommand("copy")) return true;
      } catch (e) {
        // nothing more to try; the text stays selected for a manual copy
      }
    }
    return false;
  }

  /**
   * Shows a secret once in container: read-only field, Copy button, warning and a Done button that
   * forgets it. opts: { title, secret, warning?, note?, testid (prefix for every part) }.
   */
  function showSecret(container, opts) {
    var id = opts.testid;
    var input = el("input", {
      type: "text", readonly: "", class: "secret-value", testid: id + "-value",
      "aria-label": opts.title, spellcheck: "false", autocomplete: "off",
    });
    input.value = opts.secret;
    input.addEventListener("focus", function () { input.select(); });
    var status = el("span", { class: "copy-status", role: "status", testid: id + "-copy-status" });
    var copy = el("button", { type: "button", class: "primary", text: "Copy", testid: id + "-copy" });
    copy.addEventListener("click", async function () {
      var ok = await copyText(input.value, input);
      status.textContent = ok ? "Copied to the clipboard." : "Press Ctrl+C (⌘C on a Mac) to copy it.";
      if (ok) copy.textContent = "Copied";
    });
    var done = el("button", { type: "button", text: opts.doneLabel || "Done", testid: id + "-done" });
    done.addEventListener("click", function () {
      input.value = "";
      container.replaceChildren();
      container.hidden = true;
    });
    container.replaceChildren(el("div", { class: "reveal", testid: id + "-panel" }, [
      el("strong", { class: "reveal-title", text: opts.title }),
      opts.warning ? el("p", { class: "reveal-warning", text: opts.warning, testid: id + "-warning" }) : null,
      el("div", { class: "secret-row" }, [input, copy]),
      status,
      opts.note ? el("p", { class: "muted", text: opts.note, testid: id + "-note" }) : null,
      el("div", { class: "actions" }, [done]),
    ]));
    container.hidden = false;
    if (container.scrollIntoView) container.scrollIntoView({ block: "nearest" });
    input.focus();
  }

  /**
   * Modal confirmation. opts: { title, message, confirmLabel, danger?, fields? (nodes with named
   * controls) }. Resolves to the fields' values ({} without fields) on confirm, null on cancel.
   */
  function confirmDialog(opts) {
    return new Promise(function (resolve) {
      var titleId = "dlg-" + Math.random().toString(36).slice(2);
      var cancel = el("button", { type: "submit", value: "cancel", text: "Cancel", testid: "confirm-cancel" });
      var ok = el("button", {
        type: "submit", value: "confirm", class: opts.danger ? "danger-solid" : "primary",
        text: opts.confirmLabel || "Confirm", testid: "confirm-ok",
      });
      var form = el("form", { method: "dialog" }, [
        el("h3", { id: titleId, text: opts.title }),
        opts.message ? el("p", { text: opts.message, testid: "confirm-message" }) : null,
      ].concat(opts.fields || []).concat([el("div", { class: "actions dialog-actions" }, [cancel, ok])]));
      var dialog = el("dialog", { class: "dialog", testid: "confirm-dialog", "aria-labelledby": titleId }, [form]);
      dialog.addEventListener("close", function () {
        var values = dialog.returnValue === "confirm" ? SB.formValues(form) : null;
        dialog.remove();
        resolve(values);
      });
      document.body.append(dialog);
      dialog.showModal();
      (opts.danger ? cancel : ok).focus();
    });
  }

  /** A labelled <select> for a dialog; options are [value, label] pairs. */
  function selectField(name, label, options, selected, testid) {
    var id = "fld-" + Math.random().toString(36).slice(2);
    var select = el("select", { id: id, name: name, testid: testid }, options.map(function (option) {
      return el("option", { value: option[0], text: option[1] });
    }));
    select.value = selected;
    return el("div", { class: "field" }, [el("label", { for: id, text: label }), select]);
  }

  /** Values of the checked boxes named name inside root. */
  function checkedValues(root, name) {
    return Array.prototype.map.call(root.querySelectorAll('input[name="' + name + '"]:checked'), function (box) {
      return box.value;
    });
  }

  /**
   * A hidden "create" form behind a toggle button: opens and focuses, cancels and resets, and on
   * submit builds the body, calls create(body) with the form busy, closes on success and shows
   * the API's error in the form's error box otherwise.
   */
  function createForm(opts) {
    var form = opts.form;
    var errorBox = form.querySelector('[data-testid="' + opts.errorTestid + '"]');
    function toggle(open) {
      form.hidden = !open;
      opts.button.setAttribute("aria-expanded", String(open));
      if (open) form.querySelector('[name="' + opts.focus + '"]').focus();
    }
    opts.button.addEventListener("click", function () { toggle(form.hidden); });
    form.querySelector('[data-testid="' + opts.cancelTestid + '"]').addEventListener("click", function () {
      form.reset();
      SB.clearError(errorBox);
      toggle(false);
    });
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      SB.clearError(errorBox);
      var body = opts.body(SB.formValues(form));
      SB.setBusy(form, true);
      try {
        var created = await opts.create(body);
        form.reset();
        toggle(false);
        await opts.created(created);
      } catch (error) {
        SB.showError(errorBox, error);
      } finally {
        SB.setBusy(form, false);
      }
    });
  }

  Object.assign(SB, {
    badge: badge, relativeTime: relativeTime, timeNode: timeNode, formatDate: formatDate,
    copyText: copyText, showSecret: showSecret, confirmDialog: confirmDialog,
    selectField: selectField, checkedValues: checkedValues, createForm: createForm,
  });
})();
`;
