/** Whether `name` (a host name or bind address) names this machine's loopback interface. */
export const isLoopbackName = (name: string): boolean => {
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower === '::1' || lower === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(lower);
};

/** Whether a `Host` header or an origin URL points at loopback. */
const pointsAtLoopback = (value: string): boolean => {
  try {
    return isLoopbackName(new URL(value.includes('://') ? value : `http://${value}`).hostname);
  } catch {
    return false;
  }
};

/**
 * Whether a request may reach a listener bound to loopback. The MCP server acts with the
 * configured (often administrator) credentials, so a web page in the operator's browser must not
 * drive it: a `Host` that is not loopback means DNS rebinding, an `Origin` that is not loopback
 * (or the opaque `null`) means a cross-site page, which CORS does not stop for WebSockets or
 * simple POSTs. Clients that are not browsers send no `Origin`.
 */
export const loopbackRequestAllowed = (host: string | undefined, origin: string | undefined): boolean =>
  (host === undefined || pointsAtLoopback(host)) && (origin === undefined || pointsAtLoopback(origin));
