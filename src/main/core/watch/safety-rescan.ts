/**
 * Milliseconds until the next safety rescan: `hours` randomised by ±10 % so that many installs
 * (and many folders) do not rescan in lockstep. `random` returns [0, 1) like Math.random; the
 * result is never below one minute, whatever `hours` holds.
 */
export function nextSafetyRescanDelay(hours: number, random: () => number): number {
  const base = (Number.isFinite(hours) && hours > 0 ? hours : 6) * 3_600_000;
  const factor = 0.9 + 0.2 * Math.min(Math.max(random(), 0), 1);
  return Math.max(60_000, Math.round(base * factor));
}
