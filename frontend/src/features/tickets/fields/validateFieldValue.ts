import type { Schemas } from '@/api/client';

export type FieldDefinition = Schemas['FieldDefinition'];
export type FieldKind = Schemas['FieldKind'];

/**
 * The client-side twin of `validate_values` / `normalize_value` in crates/domain/src/fields.rs.
 * Values here are wire values (what the API sends and takes): strings for text, date
 * (YYYY-MM-DD) and datetime (RFC 3339), numbers, booleans, string lists and user ids.
 * Keep the two in step: a value this accepts must not be rejected by the server.
 */

/** Limits from fields.rs (counted in Unicode scalar values, like Rust's `chars()`). */
export const FIELD_LIMITS = {
  text: 1000,
  long_text: 20_000,
  email: 254,
  url: 2048,
  phoneMin: 3,
  phoneMax: 32,
} as const;

/** Message keys under `ticketForm:validation.*`. */
export type FieldMessageKey =
  | 'required'
  | 'text'
  | 'tooLong'
  | 'number'
  | 'date'
  | 'datetime'
  | 'select'
  | 'multiSelect'
  | 'duplicateOption'
  | 'checkbox'
  | 'user'
  | 'email'
  | 'phone'
  | 'url';

/** "Empty" as the server means it: absent, null, a blank string or an empty list (checkbox `false` is a value). */
export function isEmptyFieldValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

const charCount = (text: string) => [...text].length;

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
// chrono's RFC 3339 parser: T, t or a space between date and time; Z, z or ±hh:mm.
const DATETIME_SHAPE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
// serde_json numbers; strings from a text input are parsed the same way before sending.
const NUMBER_SHAPE = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const PHONE_CHARS = /^[0-9 +\-()]*$/;

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

export function isValidDate(text: string): boolean {
  const match = DATE_SHAPE.exec(text);
  if (!match) return false;
  return isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function isValidDateTime(text: string): boolean {
  const match = DATETIME_SHAPE.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!isRealDate(year, month, day)) return false;
  // chrono accepts a leap second (60).
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (match[9] !== undefined && (Number(match[10]) > 23 || Number(match[11]) > 59)) return false;
  return true;
}

/** A finite JSON number, or a string that reads as one (form inputs may hold text). */
export function parseFieldNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const text = value.trim();
    if (!NUMBER_SHAPE.test(text)) return null;
    const parsed = Number(text);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

export function isPlausibleEmail(text: string): boolean {
  if (charCount(text) > FIELD_LIMITS.email || /\s/u.test(text)) return false;
  const at = text.indexOf('@');
  if (at < 0) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return local !== '' && !domain.includes('@') && domain.includes('.') && domain.split('.').every((label) => label !== '');
}

export function isPlausiblePhone(text: string): boolean {
  const length = charCount(text);
  return (
    length >= FIELD_LIMITS.phoneMin &&
    length <= FIELD_LIMITS.phoneMax &&
    PHONE_CHARS.test(text) &&
    (text.match(/\d/g)?.length ?? 0) >= 3
  );
}

export function isHttpUrl(text: string): boolean {
  if (charCount(text) > FIELD_LIMITS.url) return false;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks one value against its definition, as the server does on create.
 * Returns a `ticketForm:validation.*` message key, or null when the value is fine.
 */
export function validateFieldValue(definition: FieldDefinition, value: unknown): FieldMessageKey | null {
  if (isEmptyFieldValue(value)) return definition.required ? 'required' : null;
  const options = definition.options ?? [];

  switch (definition.kind) {
    case 'text': {
      if (typeof value !== 'string') return 'text';
      return charCount(value.trim()) > FIELD_LIMITS.text ? 'tooLong' : null;
    }
    case 'long_text': {
      // Kept verbatim by the server, so counted untrimmed.
      if (typeof value !== 'string') return 'text';
      return charCount(value) > FIELD_LIMITS.long_text ? 'tooLong' : null;
    }
    case 'number':
      return parseFieldNumber(value) === null ? 'number' : null;
    case 'date':
      return typeof value === 'string' && isValidDate(value.trim()) ? null : 'date';
    case 'datetime':
      return typeof value === 'string' && isValidDateTime(value.trim()) ? null : 'datetime';
    case 'select':
      return typeof value === 'string' && options.includes(value) ? null : 'select';
    case 'multi_select': {
      if (!Array.isArray(value)) return 'multiSelect';
      const seen = new Set<string>();
      for (const item of value as unknown[]) {
        if (typeof item !== 'string' || !options.includes(item)) return 'multiSelect';
        if (seen.has(item)) return 'duplicateOption';
        seen.add(item);
      }
      return null;
    }
    case 'checkbox':
      return typeof value === 'boolean' ? null : 'checkbox';
    case 'user':
      return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? null : 'user';
    case 'email':
      return typeof value === 'string' && isPlausibleEmail(value.trim()) ? null : 'email';
    case 'phone':
      return typeof value === 'string' && isPlausiblePhone(value.trim()) ? null : 'phone';
    case 'url':
      return typeof value === 'string' && isHttpUrl(value.trim()) ? null : 'url';
  }
}

/** The wire form of a valid form value: numbers typed as text become numbers, everything else is sent as is. */
export function toWireValue(definition: FieldDefinition, value: unknown): unknown {
  if (definition.kind === 'number' && typeof value === 'string') return parseFieldNumber(value) ?? value;
  return value;
}

/**
 * The `custom_fields` object for a create request: only keys the definitions know (a type
 * switched back and forth leaves stale keys in the form) and no empty values.
 */
export function customFieldsPayload(
  definitions: readonly FieldDefinition[],
  values: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const definition of definitions) {
    const value = values?.[definition.key];
    if (!isEmptyFieldValue(value)) payload[definition.key] = toWireValue(definition, value);
  }
  return payload;
}

/** Starting values for a new ticket: checkboxes start as an explicit "no". */
export function initialFieldValues(definitions: readonly FieldDefinition[]): Record<string, unknown> {
  return Object.fromEntries(definitions.filter((d) => d.kind === 'checkbox').map((d) => [d.key, false]));
}
