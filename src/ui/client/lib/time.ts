import { el } from "./dom";

/**
 * The dashboard shows every date one way: relative ("5 minutes ago", "in 1 hour") in the text,
 * the exact local date and time (one format, below) on hover and in sentences.
 */
const EXACT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : EXACT.format(date);
}

const UNITS: [seconds: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [86_400 * 365, "year"],
  [86_400 * 30, "month"],
  [86_400, "day"],
  [3_600, "hour"],
  [60, "minute"],
];
const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "always" });

export function relativeTime(iso: string, now = Date.now()): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return seconds > 0 ? "in a few seconds" : "just now";
  for (const [size, unit] of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return RELATIVE.format(Math.round(seconds / 60), "minute");
}

/** A <time> with the relative text and the exact time as its title; emptyText when null. */
export function timeNode(
  iso: string | null | undefined,
  emptyText = "Never",
  testid: string | null = null,
): HTMLElement {
  if (!iso) return el("span", { class: "muted", text: emptyText, testid });
  return el("time", { datetime: iso, title: formatTime(iso), text: relativeTime(iso), testid });
}
