/**
 * The renderer's Content-Security-Policy: only its own scripts, no remote content of
 * any kind. Inline styles are allowed because the component library sets style
 * attributes; inline scripts are not. The same policy is in `index.html` (for the
 * Electron window, loaded from a file) and sent as a header in browser mode.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** Directives a `<meta>` CSP cannot carry; sent only as a header. */
export const headerOnlyPolicy = "frame-ancestors 'none'";
