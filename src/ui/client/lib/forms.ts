import { api } from "./api";
import { byTestId, el } from "./dom";
import { clearError, showError } from "./errors";

/** Named string values of a form; text is trimmed except in password fields. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  new FormData(form).forEach((value, name) => {
    if (typeof value !== "string") return;
    values[name] = name.includes("password") ? value : value.trim();
  });
  return values;
}

export function setBusy(form: HTMLFormElement, busy: boolean): void {
  for (const control of form.querySelectorAll<
    HTMLButtonElement | HTMLInputElement | HTMLSelectElement
  >("button, input, select")) {
    control.disabled = busy;
  }
}

/** Values of the checked boxes named `name` inside root. */
export function checkedValues(root: ParentNode, name: string): string[] {
  return Array.from(
    root.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`),
    (box) => box.value,
  );
}

let fieldCounter = 0;
/** A labelled <select>; options are [value, label] pairs. */
export function selectField(
  name: string,
  label: string,
  options: [value: string, label: string][],
  selected: string,
  testid: string,
): HTMLDivElement {
  const id = `fld-${++fieldCounter}`;
  const select = el(
    "select",
    { id, name, testid },
    options.map(([value, text]) => el("option", { value, text })),
  );
  select.value = selected;
  return el("div", { class: "field" }, [el("label", { for: id, text: label }), select]);
}

/** Wires a JSON form: submit → api(); errors land in errorBox; onDone gets the response. */
export function bindForm<T>(
  form: HTMLFormElement,
  errorBox: HTMLElement,
  method: string,
  path: string,
  onDone: (result: T) => void | Promise<void>,
): void {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errorBox);
    const body = formValues(form);
    setBusy(form, true);
    try {
      await onDone(await api<T>(method, path, body));
    } catch (error) {
      showError(errorBox, error);
    } finally {
      setBusy(form, false);
    }
  });
}

export interface CreateFormOptions<T> {
  form: HTMLFormElement;
  button: HTMLButtonElement;
  /** Name of the control that gets focus on open. */
  focus: string;
  errorTestid: string;
  cancelTestid: string;
  body: (values: Record<string, string>) => unknown;
  create: (body: unknown) => Promise<T>;
  created: (result: T) => void | Promise<void>;
}

/**
 * A hidden "create" form behind a toggle button: opens and focuses, cancels and resets, and on
 * submit calls create(body) with the form busy, closes on success and shows the API's error in
 * the form's error box otherwise.
 */
export function createForm<T>(options: CreateFormOptions<T>): void {
  const { form, button } = options;
  const errorBox = byTestId(form, options.errorTestid);
  const toggle = (open: boolean) => {
    form.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) form.querySelector<HTMLElement>(`[name="${options.focus}"]`)?.focus();
  };
  button.addEventListener("click", () => toggle(form.hidden));
  byTestId(form, options.cancelTestid).addEventListener("click", () => {
    form.reset();
    clearError(errorBox);
    toggle(false);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errorBox);
    const body = options.body(formValues(form));
    setBusy(form, true);
    try {
      const created = await options.create(body);
      form.reset();
      toggle(false);
      await options.created(created);
    } catch (error) {
      showError(errorBox, error);
    } finally {
      setBusy(form, false);
    }
  });
}
