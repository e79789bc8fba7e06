/** The longest wait between reconnects, in ms: the largest `reconnectDelayMs` allows. */
export const MAX_RECONNECT_DELAY_MS = 60_000;

/**
 * The wait before reconnect attempt `attempt` (0 = the first after a loss): `baseMs` doubled per
 * failed attempt, jittered by ±20% so a fleet that lost one server does not reconnect in step,
 * and capped at {@link MAX_RECONNECT_DELAY_MS} (never below `baseMs`'s own floor of 1000).
 */
export const reconnectDelayMs = (
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number => {
  const doubled = baseMs * 2 ** Math.min(Math.max(0, attempt), 16);
  const jittered = doubled * (0.8 + 0.4 * random());
  return Math.round(Math.max(1000, Math.min(MAX_RECONNECT_DELAY_MS, jittered)));
};
