import type { FormInstance } from 'antd';
import { ApiProblem } from '@/api/problem';

/**
 * Puts a server problem on the form where it belongs: a 422's errors on the items named like
 * the request fields, a 409 (name or e-mail taken) on `conflictField`. Returns what is left
 * for a ProblemAlert (null when everything found a field), with the placed errors removed.
 */
export function showServerErrors(
  form: FormInstance,
  error: unknown,
  fieldNames: string[],
  conflictField?: string,
): unknown {
  if (!(error instanceof ApiProblem)) return error;
  if (error.status === 409 && conflictField && error.detail) {
    form.setFields([{ name: conflictField, errors: [error.detail] }]);
    return null;
  }
  if (error.status !== 422) return error;
  const entries = Object.entries(error.errors);
  const placed = entries.filter(([name]) => fieldNames.includes(name));
  form.setFields(placed.map(([name, errors]) => ({ name, errors })));
  const rest = entries.filter(([name]) => !fieldNames.includes(name));
  if (placed.length > 0 && rest.length === 0) return null;
  return new ApiProblem(error.status, { ...error.body, errors: Object.fromEntries(rest) });
}
