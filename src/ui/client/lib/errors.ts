import { ApiError, type ErrorDetail } from "./api";
import { el } from "./dom";

/** "account_name" → "Account name"; "user.email" → "User email". */
export function fieldLabel(path: unknown): string {
  const text = String(path ?? "")
    .split(".")
    .join(" ")
    .split("_")
    .join(" ")
    .trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
}

/**
 * One line per field issue. The label is added only when the message does not already start
 * with it, so "Password must be at least 10 characters." is not shown as "Password: Password…".
 */
export function describeDetail(detail: unknown): string {
  if (detail && typeof detail === "object") {
    const { path, message } = detail as ErrorDetail;
    const text = message !== undefined ? String(message) : JSON.stringify(detail);
    const label = fieldLabel(path);
    if (!label || text.toLowerCase().startsWith(label.toLowerCase())) return text;
    return `${label}: ${text}`;
  }
  return String(detail);
}

function detailLines(details: unknown): string[] {
  if (Array.isArray(details)) return details.map(describeDetail);
  if (details && typeof details === "object") {
    return Object.entries(details).map(([key, value]) =>
      describeDetail({
        path: key,
        message: typeof value === "string" ? value : JSON.stringify(value),
      }),
    );
  }
  return details === undefined || details === null ? [] : [String(details)];
}

/** Renders an ApiError (or any Error) into an alert box: message, field issues, code. */
export function showError(box: HTMLElement, error: unknown): void {
  const apiError = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  const lines = detailLines(apiError?.details);
  box.replaceChildren();
  box.hidden = false;
  const title =
    apiError?.code === "validation_failed" && lines.length
      ? "Please fix the following:"
      : message || "Something went wrong.";
  box.append(el("strong", { text: title }));
  if (lines.length) {
    box.append(
      el(
        "ul",
        { testid: "error-details" },
        lines.map((line) => el("li", { text: line })),
      ),
    );
  }
  if (apiError) {
    const request = apiError.requestId ? ` · request ${apiError.requestId}` : "";
    box.append(el("span", { class: "code", text: `Error code: ${apiError.code}${request}` }));
  }
}

export function clearError(box: HTMLElement): void {
  box.hidden = true;
  box.replaceChildren();
}

/** A fresh alert box holding the error, for panels built on the fly. */
export function errorAlert(error: unknown): HTMLDivElement {
  const box = el("div", { class: "alert alert-error", role: "alert" });
  showError(box, error);
  return box;
}

const flashTimers = new WeakMap<HTMLElement, number>();

/** Briefly shows a success message in an .alert-ok box. */
export function flash(box: HTMLElement, message: string): void {
  box.textContent = message;
  box.hidden = false;
  clearTimeout(flashTimers.get(box));
  flashTimers.set(
    box,
    window.setTimeout(() => {
      box.hidden = true;
    }, 4000),
  );
}
