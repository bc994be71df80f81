/**
 * Validation of the number fields in Settings, with the same ranges the engine enforces
 * (main/core/settings/fields.ts), so the user hears about a bad value next to the field instead
 * of as a failed command. Pure, unit-tested in Node.
 */

/** A number field: its range, whether it must be whole, and the unit shown in messages. */
export interface NumberSpec {
  min: number;
  max: number;
  integer: boolean;
  unit: string;
}

/** The fields of Settings, by name. Values are in the unit the user edits (KB/s, not bytes/s). */
export const SETTING_SPECS = {
  maxConcurrentTransfers: { min: 1, max: 32, integer: true, unit: 'transfers' },
  uploadRateKb: { min: 0, max: 10_000_000, integer: true, unit: 'KB/s' },
  rescanIntervalHours: { min: 0.25, max: 168, integer: false, unit: 'hours' },
  pollIntervalSeconds: { min: 10, max: 86_400, integer: true, unit: 'seconds' },
} as const satisfies Record<string, NumberSpec>;

/** Either the number to save or a sentence saying what to type instead. */
export type Parsed = { ok: true; value: number } | { ok: false; error: string };

/**
 * Parse what the user typed into a number field. Accepts a decimal comma ("0,5"); rejects empty,
 * non-numeric, fractional (for whole-number fields) and out-of-range input with a message naming
 * the allowed range.
 */
export function parseSetting(text: string, spec: NumberSpec): Parsed {
  const range = `from ${fmt(spec.min)} to ${fmt(spec.max)} ${spec.unit}`;
  const trimmed = text.trim().replace(',', '.');
  const value = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, error: `Enter a number ${range}.` };
  if (spec.integer && !Number.isInteger(value))
    return { ok: false, error: `Enter a whole number ${range}.` };
  if (value < spec.min || value > spec.max)
    return { ok: false, error: `Out of range: enter a number ${range}.` };
  return { ok: true, value };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
