/** Library changes are coalesced this long into one manifest send. */
export const PUBLISH_DEBOUNCE_MS = 100;
/** While scanning: the wait before the second partial list; it doubles from there. */
export const SCAN_PUBLISH_FIRST_MS = 250;
/** While scanning: the longest wait between partial lists. */
export const SCAN_PUBLISH_MAX_MS = 4000;

/**
 * How long to coalesce library changes before publishing. While a folder is scanning, the first
 * partial list goes out as usual, the next after 250 ms and then at doubling intervals up to 4 s:
 * listeners see tracks at once, but a big scan does not rebuild and resend the whole growing list
 * (and make the server parse it) every few hundred files. `n` counts the partial publishes of the
 * current scanning period. The engine publishes promptly once no scan runs.
 */
export function publishDelay(scanning: boolean, n: number): number {
  if (!scanning || n <= 0) return PUBLISH_DEBOUNCE_MS;
  return Math.min(SCAN_PUBLISH_MAX_MS, SCAN_PUBLISH_FIRST_MS * 2 ** (n - 1));
}
