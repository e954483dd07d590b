// The custom-field form kit: shared by ticket creation, the portal and ticket editing.
export { CustomFieldInput, type CustomFieldInputProps } from './CustomFieldInput';
export { CustomFieldsFormItems, customFieldName, CUSTOM_FIELDS } from './CustomFieldsFormItems';
export { fieldRules, fieldMessage, type FieldTranslate } from './fieldRules';
export { UserSelect, type UserOption, type UserSelectProps } from './UserSelect';
export {
  validateFieldValue,
  isEmptyFieldValue,
  customFieldsPayload,
  initialFieldValues,
  toWireValue,
  FIELD_LIMITS,
  type FieldDefinition,
  type FieldKind,
  type FieldMessageKey,
} from './validateFieldValue';
