/**
 * Delivery health at a glance (SPEC §8): success rate and latency over the last 24 h and a bar
 * timeline of the latest attempts, drawn as inline SVG from GET /v1/webhooks/{id}/stats.
 */
import { api } from "../lib/api";
import { el, svg } from "../lib/dom";
import { formatTime } from "../lib/time";
import { type Endpoint, endpointPath } from "./webhook-model";

export interface WebhookStats {
  endpoint_id: string;
  window_hours: number;
  attempts: number;
  succeeded: number;
  failed: number;
  success_rate: number | null;
  latency_ms: { p50: number; p95: number } | null;
  timeline: {
    at: string;
    status_code: number | null;
    ok: boolean;
    duration_ms: number;
    event_type: string;
  }[];
}

/** Chart geometry in viewBox units; the SVG scales to its box's width. */
const SLOTS = 50;
const WIDTH = 500;
const HEIGHT = 40;
const GAP = 2;
const MIN_BAR = 6;

function percent(rate: number): string {
  const value = rate * 100;
  return `${value === 100 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
}

function rateTone(rate: number | null): string {
  if (rate === null) return "muted";
  if (rate >= 0.99) return "ok";
  return rate >= 0.9 ? "warn" : "danger";
}

/**
 * One bar per attempt, newest on the right; height grows with response time (square root, so one
 * slow answer does not flatten the rest), colour says success or failure.
 */
export function timelineChart(stats: WebhookStats): SVGSVGElement {
  const points = stats.timeline;
  const slot = WIDTH / SLOTS;
  const slowest = Math.max(1, ...points.map((point) => point.duration_ms));
  const offset = SLOTS - points.length;
  const bars = points.map((point, index) => {
    const height = MIN_BAR + (HEIGHT - MIN_BAR) * Math.sqrt(point.duration_ms / slowest);
    const code = point.status_code === null ? "no response" : `HTTP ${point.status_code}`;
    return svg(
      "rect",
      {
        x: ((offset + index) * slot + GAP / 2).toFixed(2),
        y: (HEIGHT - height).toFixed(2),
        width: (slot - GAP).toFixed(2),
        height: height.toFixed(2),
        rx: 1.5,
        class: point.ok ? "bar-ok" : "bar-fail",
        "data-testid": "webhook-health-bar",
        "data-ok": String(point.ok),
      },
      [
        svg("title", {}, [
          `${formatTime(point.at)} · ${point.event_type} · ${code} · ${point.duration_ms} ms`,
        ]),
      ],
    );
  });
  const failed = points.filter((point) => !point.ok).length;
  return svg(
    "svg",
    {
      class: "health-chart",
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: "none",
      role: "img",
      "aria-label": `Last ${points.length} attempts: ${points.length - failed} succeeded, ${failed} failed`,
      "data-testid": "webhook-health-chart",
    },
    [
      svg("line", { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: "baseline" }),
      ...bars,
    ],
  );
}

function figure(label: string, value: string, testid: string, tone?: string) {
  return el("div", { class: "health-figure" }, [
    el("span", { class: "health-label", text: label }),
    el("strong", { class: tone ? `tone-${tone}` : undefined, text: value, testid }),
  ]);
}

export function renderHealth(box: HTMLElement, stats: WebhookStats): void {
  const hours = `${stats.window_hours} h`;
  const figures = el("div", { class: "health-figures" }, [
    figure(
      `Success, ${hours}`,
      stats.success_rate === null ? "—" : percent(stats.success_rate),
      "webhook-health-rate",
      rateTone(stats.success_rate),
    ),
    figure(
      "Latency p50 / p95",
      stats.latency_ms ? `${stats.latency_ms.p50} / ${stats.latency_ms.p95} ms` : "—",
      "webhook-health-latency",
    ),
    figure(
      "Attempts",
      stats.attempts ? `${stats.attempts} (${stats.failed} failed)` : "0",
      "webhook-health-attempts",
    ),
  ]);
  const count = stats.timeline.length;
  const chart = count
    ? el("figure", { class: "health-timeline" }, [
        timelineChart(stats),
        el("figcaption", { class: "health-caption" }, [
          el("span", {
            text: `Last ${count} attempt${count === 1 ? "" : "s"} (height: response time)`,
          }),
          el("span", { text: "newest →" }),
        ]),
      ])
    : el("p", {
        class: "muted small health-empty",
        text: `No delivery attempts in the last ${hours}.`,
        testid: "webhook-health-empty",
      });
  box.replaceChildren(figures, chart);
  box.setAttribute("data-state", "ready");
}

/** Fills an endpoint card's health box; a failure shows a short note, never breaks the card. */
export async function loadHealth(box: HTMLElement, endpoint: Pick<Endpoint, "id">): Promise<void> {
  // A refresh keeps the current figures on screen until the new ones arrive.
  if (box.getAttribute("data-state") !== "ready") box.setAttribute("data-state", "loading");
  try {
    renderHealth(box, await api<WebhookStats>("GET", endpointPath(endpoint, "/stats")));
  } catch (error) {
    box.replaceChildren(
      el("p", {
        class: "muted small",
        text: `Delivery health is unavailable (${error instanceof Error ? error.message : String(error)}).`,
      }),
    );
    box.setAttribute("data-state", "error");
  }
}

export function healthBox(endpoint: Endpoint): HTMLElement {
  const box = el("section", {
    class: "health",
    testid: "webhook-health",
    "aria-label": "Delivery health",
    "data-endpoint-id": endpoint.id,
  });
  box.append(el("p", { class: "muted small", text: "Loading delivery health…" }));
  void loadHealth(box, endpoint);
  return box;
}

/** How often the cards' health is fetched again while the page is in view. */
export const HEALTH_REFRESH_MS = 30_000;

/** Keeps every health box under root current, so the page can be left open as a monitor. */
export function refreshHealthPeriodically(root: ParentNode, everyMs = HEALTH_REFRESH_MS): void {
  window.setInterval(() => {
    if (document.hidden) return;
    for (const box of root.querySelectorAll<HTMLElement>(
      '[data-testid="webhook-health"][data-endpoint-id]',
    )) {
      const id = box.dataset.endpointId;
      if (id && box.getAttribute("data-state") !== "loading") void loadHealth(box, { id });
    }
  }, everyMs);
}
