import type { FormInstance } from 'antd';
import type { ApiProblem } from '@/api/problem';

/**
 * Puts a 422's field errors on the form fields they name. The API keys errors like the request
 * (`subject`, `custom_fields.asset_no`); `fields` lists the keys this form shows in that
 * notation. Returns the errors no field shows (they belong in a ProblemAlert).
 */
export function applyProblemToForm(
  form: FormInstance,
  problem: ApiProblem,
  fields: readonly string[],
): Record<string, string[]> {
  const shown = new Set(fields);
  const unmatched: Record<string, string[]> = {};
  const matched: { name: string[]; errors: string[] }[] = [];
  for (const [key, messages] of Object.entries(problem.errors)) {
    if (shown.has(key)) matched.push({ name: key.split('.'), errors: messages });
    else unmatched[key] = messages;
  }
  if (matched.length > 0) {
    form.setFields(matched);
    form.scrollToField(matched[0]!.name, { block: 'center', behavior: 'smooth' });
  }
  return unmatched;
}
