import type { FormInstance } from 'antd';
import { ApiProblem } from '@/api/problem';

/**
 * Puts the messages of a 422 on the form fields they name (`subject`, `custom_fields.asset_no`
 * → ['custom_fields', 'asset_no']). Returns the errors no field of the form shows, so the
 * caller can still display them.
 */
export function showFieldErrors(form: FormInstance, error: unknown, fieldNames: readonly string[]): Record<string, string[]> {
  if (!(error instanceof ApiProblem) || error.status !== 422) return {};
  const unplaced: Record<string, string[]> = {};
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const [key, messages] of Object.entries(error.errors)) {
    if (fieldNames.includes(key)) fields.push({ name: key.split('.'), errors: messages });
    else unplaced[key] = messages;
  }
  form.setFields(fields);
  return unplaced;
}
