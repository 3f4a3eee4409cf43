/**
 * The API reference at /docs: mounts the pinned Scalar bundle (/assets/api-reference.js, loaded
 * just before this module) on the worker's own /openapi.json, with everything that would reach
 * another origin turned off — fonts, telemetry, the agent — so it works with no internet.
 *
 * The CSP refuses the few <style> elements the bundle's components add without the nonce (a theme
 * layer, toast styles) and its style="…" attributes. The reference looks the same without them,
 * and letting script-made styles through would also let its default font CSS reach for a font CDN.
 */
interface ScalarGlobal {
  createApiReference(target: string | HTMLElement, configuration: Record<string, unknown>): unknown;
}

const scalar = (window as Window & { Scalar?: ScalarGlobal }).Scalar;
const target = document.getElementById("reference");
if (!scalar || !target) {
  throw new Error("the API reference bundle did not load");
}
scalar.createApiReference(target, {
  url: target.dataset.specUrl ?? "/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
  metaData: { title: "Switchboard API" },
});
