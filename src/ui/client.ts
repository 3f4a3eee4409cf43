/**
 * Browser helpers shared by every page, exposed as `window.SB`. Plain ES2020 in a string so the
 * worker can inline it (no build step, no static assets). Rules: user data only ever reaches the
 * DOM through textContent / attributes, never innerHTML.
 */
export const CLIENT_COMMON = `
(function () {
  "use strict";

  function ApiError(status, body) {
    var error = (body && body.error) || {};
    this.name = "ApiError";
    this.status = status;
    this.code = error.code || (status ? "http_" + status : "network_error");
    this.message = error.message || (status
      ? "The server answered " + status + "."
      : "Could not reach the server. Check your connection and try again.");
    this.details = error.details;
    this.requestId = error.request_id || null;
  }

  /** JSON in, JSON out; non-2xx answers throw an ApiError carrying the §9 error body. */
  async function api(method, path, body) {
    var init = { method: method, credentials: "same-origin", headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, null);
    }
    var text = await response.text();
    var data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      for (var key in props) {
        if (key === "text") node.textContent = props[key];
        else if (key === "testid") node.setAttribute("data-testid", props[key]);
        else if (key === "class") node.className = props[key];
        else node.setAttribute(key, props[key]);
      }
    }
    (children || []).forEach(function (child) { if (child) node.append(child); });
    return node;
  }

  function fieldLabel(path) {
    var text = String(path || "").split(".").join(" ").split("_").join(" ").trim();
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
  }

  function describeDetail(detail) {
    if (detail && typeof detail === "object") {
      var label = fieldLabel(detail.path);
      var message = detail.message !== undefined ? String(detail.message) : JSON.stringify(detail);
      return label ? label + ": " + message : message;
    }
    return String(detail);
  }

  /** Renders an ApiError (or any Error) into an alert box: message, field issues, code. */
  function showError(box, error) {
    box.replaceChildren();
    box.hidden = false;
    var details = error.details;
    var title = error.message || "Something went wrong.";
    if (error.code === "validation_failed" && Array.isArray(details) && details.length) {
      title = "Please fix the following:";
    }
    box.append(el("strong", { text: title }));
    var items = [];
    if (Array.isArray(details)) items = details.map(describeDetail);
    else if (details && typeof details === "object") {
      items = Object.keys(details).map(function (key) {
        var value = details[key];
        return fieldLabel(key) + ": " + (typeof value === "string" ? value : JSON.stringify(value));
      });
    } else if (details !== undefined && details !== null) items = [String(details)];
    if (items.length) {
      box.append(el("ul", { testid: "error-details" }, items.map(function (item) {
        return el("li", { text: item });
      })));
    }
    if (error.code) {
      var meta = "Error code: " + error.code + (error.requestId ? " · request " + error.requestId : "");
      box.append(el("span", { class: "code", text: meta }));
    }
  }

  function clearError(box) {
    box.hidden = true;
    box.replaceChildren();
  }

  /** Briefly shows a success message in a .alert-ok box. */
  function flash(box, message) {
    box.textContent = message;
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.hidden = true; }, 4000);
  }

  function formValues(form) {
    var values = {};
    new FormData(form).forEach(function (value, name) {
      values[name] = typeof value === "string" && name.indexOf("password") === -1 ? value.trim() : value;
    });
    return values;
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button, input, select").forEach(function (control) {
      control.disabled = busy;
    });
  }

  function formatTime(iso) {
    if (!iso) return "Never";
    var date = new Date(iso);
    return isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
  }

  /** Wires a JSON form: submit -> api(); errors land in errorBox; onDone gets the response. */
  function bindForm(form, errorBox, method, path, onDone) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      clearError(errorBox);
      var body = formValues(form);
      setBusy(form, true);
      try {
        var result = await api(method, path, body);
        await onDone(result, form);
      } catch (error) {
        showError(errorBox, error);
      } finally {
        setBusy(form, false);
      }
    });
  }

  var data = document.body.dataset;
  window.SB = {
    api: api, el: el, showError: showError, clearError: clearError, flash: flash,
    formValues: formValues, setBusy: setBusy, formatTime: formatTime, bindForm: bindForm,
    me: data.userId ? { id: data.userId, email: data.email, role: data.role, accountId: data.accountId } : null,
    isAdmin: data.role === "admin",
  };
})();
`;
