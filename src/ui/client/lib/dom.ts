/**
 * Building DOM nodes. User data only ever reaches the page through textContent and attributes
 * (never innerHTML), so nothing an API returns can become markup.
 */

export type Child = Node | string | null | undefined | false;

export interface Props {
  /** Sets textContent. */
  text?: string;
  /** Sets data-testid. */
  testid?: string | null;
  class?: string;
  /** Any other attribute; undefined leaves it unset. */
  [attribute: string]: string | null | undefined;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else if (key === "testid") node.setAttribute("data-testid", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes (numbers are written as given). */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  children: Child[] = [],
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  for (const child of children) if (child) node.append(child);
  return node;
}

/** The element with this data-testid under root; a missing one is a bug in the page, so throw. */
export function byTestId<T extends HTMLElement = HTMLElement>(root: ParentNode, testid: string): T {
  const found = root.querySelector<T>(`[data-testid="${testid}"]`);
  if (!found) throw new Error(`missing [data-testid="${testid}"]`);
  return found;
}

/** Same, for optional parts (e.g. admin-only forms). */
export function maybeByTestId<T extends HTMLElement = HTMLElement>(
  root: ParentNode,
  testid: string,
): T | null {
  return root.querySelector<T>(`[data-testid="${testid}"]`);
}
