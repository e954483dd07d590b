import type { FormInstance } from 'antd';
import { ApiProblem } from '@/api/problem';

export interface ServerErrorOptions {
  /** The item a 409 (a name or e-mail already taken) belongs on; its detail shows there. */
  conflictField?: string;
  /** Scroll the first item that got an error into view (long forms). */
  scroll?: boolean;
}

/**
 * Puts a server problem on an antd form where it belongs: a 422's `errors` on the items named like
 * the request fields (`subject`, `custom_fields.asset_no` → ['custom_fields', 'asset_no']), and a
 * 409 on `conflictField` when there is one. `fields` lists the request keys the form shows.
 *
 * Returns what is left for an alert: null when the form shows everything, a 422 with only the
 * errors no item shows, or the error itself (any other problem or failure).
 */
export function showServerErrors(
  form: FormInstance,
  error: unknown,
  fields: readonly string[],
  { conflictField, scroll = false }: ServerErrorOptions = {},
): unknown {
  if (!(error instanceof ApiProblem)) return error;
  if (error.status === 409 && conflictField && error.detail) {
    form.setFields([{ name: conflictField, errors: [error.detail] }]);
    return null;
  }
  if (error.status !== 422) return error;
  const shown = new Set(fields);
  const placed: { name: string[]; errors: string[] }[] = [];
  const rest: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(error.errors)) {
    if (shown.has(key)) placed.push({ name: key.split('.'), errors: messages });
    else rest[key] = messages;
  }
  if (placed.length > 0) {
    form.setFields(placed);
    if (scroll) form.scrollToField(placed[0]!.name, { block: 'center', behavior: 'smooth' });
  }
  if (placed.length > 0 && Object.keys(rest).length === 0) return null;
  return new ApiProblem(error.status, { ...error.body, errors: rest });
}
