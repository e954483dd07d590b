import type { Schemas } from '@/api/client';

/**
 * The custom-field editor as a pure model: a reducer over draft fields, validation that
 * mirrors the server (crates/domain/src/fields.rs), and conversion to the API's FieldDefinition.
 */

export type FieldKind = Schemas['FieldKind'];
export type FieldDefinition = Schemas['FieldDefinition'];

export const FIELD_KINDS: readonly FieldKind[] = [
  'text',
  'long_text',
  'number',
  'date',
  'datetime',
  'select',
  'multi_select',
  'checkbox',
  'user',
  'email',
  'phone',
  'url',
];

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const MAX_FIELDS = 100;
export const MAX_LABEL_CHARS = 100;
export const MAX_OPTIONS = 200;
export const MAX_OPTION_CHARS = 100;

export function takesOptions(kind: FieldKind): boolean {
  return kind === 'select' || kind === 'multi_select';
}

export interface DraftField {
  /** Stable identity across edits and moves (the key itself is editable). */
  uid: string;
  key: string;
  /** The key as saved on the server; a rename leaves old ticket values under it. */
  savedKey: string | null;
  /** False while the key still follows the label (a new field whose key nobody typed). */
  keyEdited: boolean;
  label: string;
  kind: FieldKind;
  required: boolean;
  customerVisible: boolean;
  /** Kept while the kind is switched away and back; only sent for select kinds. */
  options: string[];
}

export type FieldAction =
  | { type: 'reset'; fields: FieldDefinition[] }
  | { type: 'add' }
  | { type: 'remove'; uid: string }
  | { type: 'move'; uid: string; by: -1 | 1 }
  | { type: 'setKey'; uid: string; key: string }
  | { type: 'setLabel'; uid: string; label: string }
  | { type: 'setKind'; uid: string; kind: FieldKind }
  | { type: 'setRequired'; uid: string; required: boolean }
  | { type: 'setCustomerVisible'; uid: string; customerVisible: boolean }
  | { type: 'addOption'; uid: string; option: string }
  | { type: 'removeOption'; uid: string; index: number }
  | { type: 'moveOption'; uid: string; index: number; by: -1 | 1 };

let uidCounter = 0;
function nextUid(): string {
  uidCounter += 1;
  return `f${uidCounter}`;
}

export function draftFromDefinition(def: FieldDefinition): DraftField {
  return {
    uid: nextUid(),
    key: def.key,
    savedKey: def.key,
    keyEdited: true,
    label: def.label,
    kind: def.kind,
    required: def.required ?? false,
    customerVisible: def.customer_visible ?? false,
    options: [...(def.options ?? [])],
  };
}

export function initFields(defs: FieldDefinition[] = []): DraftField[] {
  return defs.map(draftFromDefinition);
}

/** A key derived from an ASCII label ("Asset no." → asset_no); empty when nothing usable remains. */
export function suggestKey(label: string): string {
  const slug = label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 63)
    .replace(/_+$/, '');
  return KEY_PATTERN.test(slug) ? slug : '';
}

/** The first free `field_N`, so a new field is valid before anyone types a key. */
function freshKey(fields: DraftField[]): string {
  const taken = new Set(fields.map((f) => f.key));
  let n = fields.length + 1;
  while (taken.has(`field_${n}`)) n += 1;
  return `field_${n}`;
}

function update(fields: DraftField[], uid: string, change: (field: DraftField) => DraftField): DraftField[] {
  return fields.map((field) => (field.uid === uid ? change(field) : field));
}

export function fieldsReducer(fields: DraftField[], action: FieldAction): DraftField[] {
  switch (action.type) {
    case 'reset':
      return initFields(action.fields);
    case 'add':
      return [
        ...fields,
        {
          uid: nextUid(),
          key: freshKey(fields),
          savedKey: null,
          keyEdited: false,
          label: '',
          kind: 'text',
          required: false,
          customerVisible: true,
          options: [],
        },
      ];
    case 'remove':
      return fields.filter((field) => field.uid !== action.uid);
    case 'move': {
      const from = fields.findIndex((field) => field.uid === action.uid);
      const to = from + action.by;
      if (from < 0 || to < 0 || to >= fields.length) return fields;
      const next = [...fields];
      const [moved] = next.splice(from, 1);
      if (moved) next.splice(to, 0, moved);
      return next;
    }
    case 'setKey':
      return update(fields, action.uid, (field) => ({ ...field, key: action.key, keyEdited: true }));
    case 'setLabel':
      return update(fields, action.uid, (field) => {
        if (field.keyEdited) return { ...field, label: action.label };
        // The key follows an ASCII label until someone types one; other scripts keep field_N.
        const suggested = suggestKey(action.label);
        return { ...field, label: action.label, key: suggested || field.key };
      });
    case 'setKind':
      return update(fields, action.uid, (field) => ({ ...field, kind: action.kind }));
    case 'setRequired':
      return update(fields, action.uid, (field) => ({ ...field, required: action.required }));
    case 'setCustomerVisible':
      return update(fields, action.uid, (field) => ({ ...field, customerVisible: action.customerVisible }));
    case 'addOption': {
      const option = action.option.trim();
      return update(fields, action.uid, (field) =>
        !option || field.options.includes(option) ? field : { ...field, options: [...field.options, option] },
      );
    }
    case 'removeOption':
      return update(fields, action.uid, (field) => ({
        ...field,
        options: field.options.filter((_, index) => index !== action.index),
      }));
    case 'moveOption':
      return update(fields, action.uid, (field) => {
        const to = action.index + action.by;
        if (to < 0 || to >= field.options.length) return field;
        const options = [...field.options];
        const [moved] = options.splice(action.index, 1);
        if (moved !== undefined) options.splice(to, 0, moved);
        return { ...field, options };
      });
  }
}

/** What the API stores: options only for select kinds, labels trimmed. */
export function toDefinitions(fields: DraftField[]): FieldDefinition[] {
  return fields.map((field) => ({
    key: field.key.trim(),
    label: field.label.trim(),
    kind: field.kind,
    required: field.required,
    customer_visible: field.customerVisible,
    options: takesOptions(field.kind) ? field.options : [],
  }));
}

export type FieldProblem =
  | { code: 'keyFormat' }
  | { code: 'keyDuplicate'; position: number }
  | { code: 'labelRequired' }
  | { code: 'labelTooLong'; max: number }
  | { code: 'optionsRequired' }
  | { code: 'optionsTooMany'; max: number }
  | { code: 'optionTooLong'; option: string; max: number }
  | { code: 'fieldsTooMany'; max: number };

export type FieldPart = 'key' | 'label' | 'options';

/** Problems per field uid and part, plus list-wide ones under `list`. Empty when the fields can be saved. */
export interface FieldProblems {
  byField: Record<string, Partial<Record<FieldPart, FieldProblem[]>>>;
  list: FieldProblem[];
}

export function validateFields(fields: DraftField[]): FieldProblems {
  const problems: FieldProblems = { byField: {}, list: [] };
  const add = (uid: string, part: FieldPart, problem: FieldProblem) => {
    const forField = (problems.byField[uid] ??= {});
    (forField[part] ??= []).push(problem);
  };
  if (fields.length > MAX_FIELDS) problems.list.push({ code: 'fieldsTooMany', max: MAX_FIELDS });

  const firstWithKey = new Map<string, number>();
  fields.forEach((field, index) => {
    const key = field.key.trim();
    if (!KEY_PATTERN.test(key)) add(field.uid, 'key', { code: 'keyFormat' });
    else if (firstWithKey.has(key)) add(field.uid, 'key', { code: 'keyDuplicate', position: firstWithKey.get(key)! + 1 });
    else firstWithKey.set(key, index);

    const labelChars = [...field.label.trim()].length;
    if (labelChars === 0) add(field.uid, 'label', { code: 'labelRequired' });
    else if (labelChars > MAX_LABEL_CHARS) add(field.uid, 'label', { code: 'labelTooLong', max: MAX_LABEL_CHARS });

    if (takesOptions(field.kind)) {
      if (field.options.length === 0) add(field.uid, 'options', { code: 'optionsRequired' });
      else if (field.options.length > MAX_OPTIONS) add(field.uid, 'options', { code: 'optionsTooMany', max: MAX_OPTIONS });
      for (const option of field.options) {
        if ([...option].length > MAX_OPTION_CHARS) add(field.uid, 'options', { code: 'optionTooLong', option, max: MAX_OPTION_CHARS });
      }
    }
  });
  return problems;
}

export function hasProblems(problems: FieldProblems): boolean {
  return problems.list.length > 0 || Object.keys(problems.byField).length > 0;
}

/** Server messages placed on fields: `fields[2].key` goes to the field that was third when saved. */
export interface PlacedServerErrors {
  byField: Record<string, Partial<Record<FieldPart, string[]>>>;
  /** Keys this editor does not own (name, default_group_id, body …) and list-wide `fields` errors. */
  rest: Record<string, string[]>;
}

const FIELD_ERROR_KEY = /^fields\[(\d+)\]\.(key|label|options|kind|required|customer_visible)$/;

export function placeServerErrors(errors: Record<string, string[]>, savedOrder: string[]): PlacedServerErrors {
  const placed: PlacedServerErrors = { byField: {}, rest: {} };
  for (const [path, messages] of Object.entries(errors)) {
    const match = FIELD_ERROR_KEY.exec(path);
    const uid = match ? savedOrder[Number(match[1])] : undefined;
    const part = match?.[2];
    if (uid && (part === 'key' || part === 'label' || part === 'options')) {
      const forField = (placed.byField[uid] ??= {});
      forField[part] = [...(forField[part] ?? []), ...messages];
    } else {
      placed.rest[path] = messages;
    }
  }
  return placed;
}
