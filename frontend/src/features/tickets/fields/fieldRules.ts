import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';
import { FIELD_LIMITS, validateFieldValue, type FieldDefinition, type FieldMessageKey } from './validateFieldValue';

/** `t` of the ticketForm namespace: `useTranslation('ticketForm').t`. */
export type FieldTranslate = TFunction<'ticketForm'>;

/** The localized text for a message key of `validateFieldValue`. */
export function fieldMessage(key: FieldMessageKey, definition: FieldDefinition, t: FieldTranslate): string {
  const max = definition.kind === 'long_text' ? FIELD_LIMITS.long_text : FIELD_LIMITS.text;
  // Pickers are chosen from, not typed into ("请选择…" rather than "请填写…").
  const message = key === 'required' && CHOSEN_KINDS.has(definition.kind) ? 'requiredChoice' : key;
  return t(`validation.${message}`, { label: definition.label, max });
}

const CHOSEN_KINDS = new Set<FieldDefinition['kind']>(['select', 'multi_select', 'date', 'datetime', 'user', 'checkbox']);

/**
 * antd Form rules for one custom field: `required` only drives the required mark, the
 * validator does the checking (the same as the server's, see validateFieldValue).
 */
export function fieldRules(definition: FieldDefinition, t: FieldTranslate): FormRule[] {
  return [
    {
      required: definition.required ?? false,
      validator: async (_rule, value: unknown) => {
        const key = validateFieldValue(definition, value);
        if (key) throw new Error(fieldMessage(key, definition, t));
      },
    },
  ];
}
