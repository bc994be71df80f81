/**
 * Sizes and rates in one unit system for every face: the window, the daemon's log and the CLI.
 * Decimal units (1 KB = 1000 bytes), as file managers show them. Pure, no imports.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/**
 * Bytes in decimal units: 3_200_000_000 → "3.2 GB", 999 → "999 B". One decimal under 100 of a
 * unit, none above; negative or non-finite input renders as "0 B".
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // Rounding 999.96 KB to one decimal would print "1000.0 KB": step up instead.
  if (value >= 999.95 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return `${text} ${UNITS[unit]}`;
}

/** Bytes per second: 1_400_000 → "1.4 MB/s"; zero or less → "0 B/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}
