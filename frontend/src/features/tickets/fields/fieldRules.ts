import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';
import { FIELD_LIMITS, validateFieldValue, type FieldDefinition, type FieldMessageKey } from './validateFieldValue';

/** `t` of the ticketForm namespace: `useTranslation('ticketForm').t`. */
export type FieldTranslate = TFunction<'ticketForm'>;

/** The localized text for a message key of `validateFieldValue`. */
export function fieldMessage(key: FieldMessageKey, definition: FieldDefinition, t: FieldTranslate): string {
  const max = definition.kind === 'long_text' ? FIELD_LIMITS.long_text : FIELD_LIMITS.text;
  return t(`validation.${key}`, { label: definition.label, max });
}

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
