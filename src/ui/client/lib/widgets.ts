import { type Child, el } from "./dom";
import { formValues } from "./forms";

export type Tone = "ok" | "warn" | "danger" | "muted" | "info" | "live" | "test";

/** A small pill. */
export function badge(text: string, tone: Tone = "info", testid: string | null = null) {
  return el("span", { class: `badge badge-${tone}`, text, testid });
}

/** Clipboard API first; else select the input's text and try the legacy copy command. */
export async function copyText(text: string, input?: HTMLInputElement): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // permission refused or unavailable: fall through to the selection fallback
  }
  if (input) {
    input.focus();
    input.select();
    try {
      // Deprecated, but the only copy left on insecure origins; the text stays selected anyway.
      if (document.execCommand("copy")) return true;
    } catch {
      // nothing more to try
    }
  }
  return false;
}

export interface SecretOptions {
  title: string;
  secret: string;
  warning?: string | null;
  note?: string | null;
  /** Prefix of every part's data-testid. */
  testid: string;
  doneLabel?: string;
}

/** Shows a secret once: read-only field, Copy, a warning and a Done button that forgets it. */
export function showSecret(container: HTMLElement, options: SecretOptions): void {
  const id = options.testid;
  const input = el("input", {
    type: "text",
    readonly: "",
    class: "secret-value",
    testid: `${id}-value`,
    "aria-label": options.title,
    spellcheck: "false",
    autocomplete: "off",
  });
  input.value = options.secret;
  input.addEventListener("focus", () => input.select());
  const status = el("span", { class: "copy-status", role: "status", testid: `${id}-copy-status` });
  const copy = el("button", {
    type: "button",
    class: "primary",
    text: "Copy",
    testid: `${id}-copy`,
  });
  copy.addEventListener("click", async () => {
    const ok = await copyText(input.value, input);
    status.textContent = ok ? "Copied to the clipboard." : "Press Ctrl+C (⌘C on a Mac) to copy it.";
    if (ok) copy.textContent = "Copied";
  });
  const done = el("button", {
    type: "button",
    text: options.doneLabel ?? "Done",
    testid: `${id}-done`,
  });
  done.addEventListener("click", () => {
    input.value = "";
    container.replaceChildren();
    container.hidden = true;
  });
  container.replaceChildren(
    el("div", { class: "reveal", testid: `${id}-panel` }, [
      el("strong", { class: "reveal-title", text: options.title }),
      options.warning
        ? el("p", { class: "reveal-warning", text: options.warning, testid: `${id}-warning` })
        : null,
      el("div", { class: "secret-row" }, [input, copy]),
      status,
      options.note ? el("p", { class: "muted", text: options.note, testid: `${id}-note` }) : null,
      el("div", { class: "actions" }, [done]),
    ]),
  );
  container.hidden = false;
  container.scrollIntoView({ block: "nearest" });
  input.focus();
}

export interface ConfirmOptions {
  title: string;
  message?: string;
  confirmLabel?: string;
  danger?: boolean;
  /** Nodes with named controls whose values are returned. */
  fields?: Child[];
}

let dialogCounter = 0;
/** Modal confirmation: resolves to the fields' values ({} without fields), or null on cancel. */
export function confirmDialog(options: ConfirmOptions): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const titleId = `dlg-${++dialogCounter}`;
    const cancel = el("button", {
      type: "submit",
      value: "cancel",
      text: "Cancel",
      testid: "confirm-cancel",
    });
    const ok = el("button", {
      type: "submit",
      value: "confirm",
      class: options.danger ? "danger-solid" : "primary",
      text: options.confirmLabel ?? "Confirm",
      testid: "confirm-ok",
    });
    const form = el("form", { method: "dialog" }, [
      el("h3", { id: titleId, text: options.title }),
      options.message ? el("p", { text: options.message, testid: "confirm-message" }) : null,
      ...(options.fields ?? []),
      el("div", { class: "actions dialog-actions" }, [cancel, ok]),
    ]);
    const dialog = el(
      "dialog",
      { class: "dialog", testid: "confirm-dialog", "aria-labelledby": titleId },
      [form],
    );
    dialog.addEventListener("close", () => {
      const values = dialog.returnValue === "confirm" ? formValues(form) : null;
      dialog.remove();
      resolve(values);
    });
    document.body.append(dialog);
    dialog.showModal();
    (options.danger ? cancel : ok).focus();
  });
}
