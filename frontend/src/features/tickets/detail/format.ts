import dayjs from 'dayjs';
import { formatDateTime } from '@/components/TimeText';
import type { FieldDefinition } from './api';

/** What value formatting needs from the screen: yes/no words and user names. */
export interface FormatContext {
  yes: string;
  no: string;
  userName: (id: number) => string;
}

/** Event values of custom fields and tags are JSON (`"\"text\""`, `["a"]`); others are plain text. */
export function parseEventValue(raw: string | null | undefined): unknown {
  if (raw === null || raw === undefined) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export function isEmptyValue(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** A custom-field value as text, by the kind of its definition (unknown keys are shown as they are). */
export function formatFieldValue(
  definition: Pick<FieldDefinition, 'kind'> | undefined,
  value: unknown,
  context: FormatContext,
): string {
  if (isEmptyValue(value)) return '—';
  switch (definition?.kind) {
    case 'checkbox':
      return value === true ? context.yes : context.no;
    case 'date':
      return typeof value === 'string' ? value : String(value);
    case 'datetime':
      return typeof value === 'string' && dayjs(value).isValid() ? formatDateTime(value) : String(value);
    case 'user':
      return typeof value === 'number' ? context.userName(value) : String(value);
    default:
      return Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** Long values (a changed subject) are cut in the one-line history entries. */
export function shorten(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
