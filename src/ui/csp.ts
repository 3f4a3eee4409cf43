/**
 * The pages' Content-Security-Policy: scripts run only from tags stamped with this response's
 * nonce (all of them load files the worker itself serves), styles and everything else come only
 * from this origin, and the page talks only to this origin. No 'unsafe-inline' anywhere.
 */
export function contentSecurityPolicy(nonce: string, options: { nonceStyles?: boolean } = {}) {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The API reference injects its stylesheet as <style> elements stamped with the nonce it
    // reads from <meta property="csp-nonce">; the dashboard pages only link /assets/styles.css.
    options.nonceStyles ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
