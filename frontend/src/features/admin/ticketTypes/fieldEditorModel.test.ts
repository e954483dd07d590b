import { describe, expect, it } from 'vitest';
import {
  fieldsReducer,
  hasProblems,
  initFields,
  placeServerErrors,
  suggestKey,
  toDefinitions,
  validateFields,
  type DraftField,
  type FieldAction,
  type FieldDefinition,
} from './fieldEditorModel';

const SAVED: FieldDefinition[] = [
  { key: 'asset_no', label: '资产编号', kind: 'text', required: true, customer_visible: true, options: [] },
  { key: 'fault', label: '故障类型', kind: 'select', required: false, customer_visible: true, options: ['不制冷', '漏水'] },
  { key: 'root_cause', label: '根本原因', kind: 'long_text', required: false, customer_visible: false, options: [] },
];

function run(fields: DraftField[], ...actions: FieldAction[]): DraftField[] {
  return actions.reduce(fieldsReducer, fields);
}

const keys = (fields: DraftField[]) => fields.map((f) => f.key);

describe('adding fields', () => {
  it('appends a valid text field with a free key, visible to customers, not required', () => {
    const fields = run(initFields(SAVED), { type: 'add' });
    expect(fields).toHaveLength(4);
    const added = fields[3]!;
    expect(added).toMatchObject({ key: 'field_4', label: '', kind: 'text', required: false, customerVisible: true, options: [] });
    expect(added.savedKey).toBeNull();
    // Only the empty label keeps it from being saved.
    expect(validateFields(fields).byField[added.uid]).toEqual({ label: [{ code: 'labelRequired' }] });
  });

  it('never proposes a key that is already taken', () => {
    const fields = run(initFields([{ key: 'field_2', label: 'x', kind: 'text' }]), { type: 'add' }, { type: 'add' });
    expect(keys(fields)).toEqual(['field_2', 'field_3', 'field_4']);
  });

  it('derives the key from an ASCII label until the key is typed, and keeps field_N for other scripts', () => {
    let fields = run([], { type: 'add' });
    const uid = fields[0]!.uid;
    fields = run(fields, { type: 'setLabel', uid, label: 'Asset No.' });
    expect(fields[0]!.key).toBe('asset_no');
    fields = run(fields, { type: 'setKey', uid, key: 'serial' }, { type: 'setLabel', uid, label: 'Serial number' });
    expect(fields[0]!.key).toBe('serial');

    const chinese = run([], { type: 'add' });
    expect(run(chinese, { type: 'setLabel', uid: chinese[0]!.uid, label: '资产编号' })[0]!.key).toBe('field_1');
  });

  it('never changes the key of a saved field when its label changes', () => {
    const fields = initFields(SAVED);
    const next = run(fields, { type: 'setLabel', uid: fields[0]!.uid, label: 'Asset tag' });
    expect(next[0]!.key).toBe('asset_no');
  });
});

describe('suggestKey', () => {
  it.each([
    ['Asset no.', 'asset_no'],
    ['  Customer E-mail  ', 'customer_e_mail'],
    ['2nd line', 'nd_line'],
    ['设备', ''],
    ['', ''],
  ])('%j → %j', (label, key) => expect(suggestKey(label)).toBe(key));

  it('stays within 63 characters', () => {
    expect(suggestKey('a'.repeat(100))).toHaveLength(63);
  });
});

describe('reordering', () => {
  it('moves a field up and down', () => {
    const fields = initFields(SAVED);
    const rootCause = fields[2]!.uid;
    expect(keys(run(fields, { type: 'move', uid: rootCause, by: -1 }))).toEqual(['asset_no', 'root_cause', 'fault']);
    expect(keys(run(fields, { type: 'move', uid: rootCause, by: -1 }, { type: 'move', uid: rootCause, by: -1 }))).toEqual([
      'root_cause',
      'asset_no',
      'fault',
    ]);
    expect(keys(run(fields, { type: 'move', uid: fields[0]!.uid, by: 1 }))).toEqual(['fault', 'asset_no', 'root_cause']);
  });

  it('ignores moves past either end', () => {
    const fields = initFields(SAVED);
    expect(run(fields, { type: 'move', uid: fields[0]!.uid, by: -1 })).toBe(fields);
    expect(run(fields, { type: 'move', uid: fields[2]!.uid, by: 1 })).toBe(fields);
  });

  it('sends the fields in the new order', () => {
    const fields = initFields(SAVED);
    const moved = run(fields, { type: 'move', uid: fields[1]!.uid, by: -1 });
    expect(toDefinitions(moved).map((d) => d.key)).toEqual(['fault', 'asset_no', 'root_cause']);
  });

  it('removes a field', () => {
    const fields = initFields(SAVED);
    expect(keys(run(fields, { type: 'remove', uid: fields[1]!.uid }))).toEqual(['asset_no', 'root_cause']);
  });
});

describe('options', () => {
  it('are sent only for select and multi_select fields', () => {
    const fields = initFields(SAVED);
    const fault = fields[1]!.uid;
    const asText = run(fields, { type: 'setKind', uid: fault, kind: 'text' });
    expect(toDefinitions(asText)[1]).toMatchObject({ kind: 'text', options: [] });
    // Switching back restores what was typed, so a misclick loses nothing.
    const back = run(asText, { type: 'setKind', uid: fault, kind: 'multi_select' });
    expect(toDefinitions(back)[1]).toMatchObject({ kind: 'multi_select', options: ['不制冷', '漏水'] });
  });

  it('are required for select kinds only', () => {
    const fields = run([], { type: 'add' });
    const uid = fields[0]!.uid;
    const labelled = run(fields, { type: 'setLabel', uid, label: 'Fault' });
    expect(hasProblems(validateFields(labelled))).toBe(false);
    const select = run(labelled, { type: 'setKind', uid, kind: 'select' });
    expect(validateFields(select).byField[uid]).toEqual({ options: [{ code: 'optionsRequired' }] });
    const withOption = run(select, { type: 'addOption', uid, option: 'Noise' });
    expect(hasProblems(validateFields(withOption))).toBe(false);
  });

  it('are trimmed, and blank or repeated ones are ignored', () => {
    const fields = initFields(SAVED);
    const uid = fields[1]!.uid;
    const next = run(
      fields,
      { type: 'addOption', uid, option: '  异响 ' },
      { type: 'addOption', uid, option: '   ' },
      { type: 'addOption', uid, option: '漏水' },
    );
    expect(next[1]!.options).toEqual(['不制冷', '漏水', '异响']);
  });

  it('can be removed and reordered', () => {
    const fields = initFields(SAVED);
    const uid = fields[1]!.uid;
    expect(run(fields, { type: 'removeOption', uid, index: 0 })[1]!.options).toEqual(['漏水']);
    expect(run(fields, { type: 'moveOption', uid, index: 1, by: -1 })[1]!.options).toEqual(['漏水', '不制冷']);
    expect(run(fields, { type: 'moveOption', uid, index: 1, by: 1 })[1]!.options).toEqual(['不制冷', '漏水']);
  });

  it('flags an option longer than 100 characters', () => {
    const fields = initFields([{ key: 'a', label: 'A', kind: 'select', options: ['x'.repeat(101)] }]);
    expect(validateFields(fields).byField[fields[0]!.uid]?.options?.[0]?.code).toBe('optionTooLong');
  });
});

describe('key validation', () => {
  const withKey = (key: string) => {
    const fields = initFields([{ key: 'ok', label: 'Label', kind: 'text' }]);
    return run(fields, { type: 'setKey', uid: fields[0]!.uid, key });
  };

  it.each(['a', 'asset_no', 'x1', 'a'.repeat(63)])('accepts %j', (key) => {
    expect(hasProblems(validateFields(withKey(key)))).toBe(false);
  });

  it.each(['', 'Asset', 'asset no', '1st', '_x', 'café', 'a-b', 'a'.repeat(64)])('rejects %j', (key) => {
    const fields = withKey(key);
    expect(validateFields(fields).byField[fields[0]!.uid]).toEqual({ key: [{ code: 'keyFormat' }] });
  });

  it('flags a repeated key on the later field, naming the first', () => {
    const fields = initFields(SAVED);
    const next = run(fields, { type: 'setKey', uid: fields[2]!.uid, key: 'asset_no' });
    const problems = validateFields(next);
    expect(problems.byField[fields[0]!.uid]).toBeUndefined();
    expect(problems.byField[fields[2]!.uid]).toEqual({ key: [{ code: 'keyDuplicate', position: 1 }] });
  });

  it('requires a label of at most 100 characters', () => {
    const fields = initFields(SAVED);
    const uid = fields[0]!.uid;
    expect(validateFields(run(fields, { type: 'setLabel', uid, label: '   ' })).byField[uid]).toEqual({
      label: [{ code: 'labelRequired' }],
    });
    expect(validateFields(run(fields, { type: 'setLabel', uid, label: 'x'.repeat(101) })).byField[uid]).toEqual({
      label: [{ code: 'labelTooLong', max: 100 }],
    });
  });

  it('accepts the saved definitions unchanged', () => {
    expect(hasProblems(validateFields(initFields(SAVED)))).toBe(false);
    expect(toDefinitions(initFields(SAVED))).toEqual(SAVED);
  });
});

describe('placeServerErrors', () => {
  it('puts fields[i] errors on the field that was i-th when saved, the rest aside', () => {
    const order = ['u1', 'u2', 'u3'];
    const placed = placeServerErrors(
      {
        'fields[2].key': ['duplicates the key of fields[0]'],
        'fields[0].options': ['needs at least one option'],
        'fields[0].label': ['is required'],
        fields: ['at most 100 fields are allowed'],
        'fields[9].key': ['out of range'],
        name: ['must be 1 to 100 characters'],
      },
      order,
    );
    expect(placed.byField).toEqual({
      u3: { key: ['duplicates the key of fields[0]'] },
      u1: { options: ['needs at least one option'], label: ['is required'] },
    });
    expect(placed.rest).toEqual({
      fields: ['at most 100 fields are allowed'],
      'fields[9].key': ['out of range'],
      name: ['must be 1 to 100 characters'],
    });
  });
});
