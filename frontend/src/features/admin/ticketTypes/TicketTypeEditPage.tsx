import { useEffect, useMemo, useReducer, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Breadcrumb, Button, Card, Form, Input, Select, Skeleton, Switch, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { ticketTypeQueryOptions } from '@/api/ticketTypes';
import { NotFound } from '@/app/NotFound';
import { ProblemAlert } from '@/components/ProblemAlert';
import { PriorityTag } from '@/components/tags';
import { useGroups, useInvalidate } from '../adminApi';
import { FormProblem, ScreenHeader } from '../components';
import { SkillsInput, type SkillEntry } from '../SkillsInput';
import { buildGroupTree, flattenTree, groupPath } from '../groups/groupTree';
import { FieldEditor, type ServerFieldErrors } from './FieldEditor';
import { fieldsReducer, hasProblems, initFields, placeServerErrors, toDefinitions, validateFields } from './fieldEditorModel';
import styles from '../admin.module.css';

type TicketType = Schemas['TicketTypeView'];
type Priority = Schemas['Priority'];

const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
const FORM_FIELDS = ['name', 'description', 'default_priority', 'default_group_id', 'active', 'required_skills'];

interface TypeValues {
  name: string;
  description: string;
  default_priority: Priority;
  default_group_id: number | null;
  active: boolean;
  /** Skills an agent needs for every ticket of this type (level: the minimum). */
  required_skills: SkillEntry[];
}

/** /admin/ticket-types/new and /admin/ticket-types/:id. */
export function TicketTypeEditPage() {
  const { id } = useParams();
  const numericId = id === 'new' ? null : Number(id);
  if (numericId !== null && !(Number.isInteger(numericId) && numericId > 0)) return <NotFound />;
  return <TicketTypeLoader key={id} id={numericId} />;
}

function TicketTypeLoader({ id }: { id: number | null }) {
  const type = useQuery({ ...ticketTypeQueryOptions(id ?? 0), enabled: id !== null, staleTime: 0 });
  if (id === null) return <TicketTypeEditor type={null} />;
  if (type.isPending) return <Skeleton active />;
  if (type.isError) {
    if (type.error instanceof ApiProblem && type.error.status === 404) return <NotFound />;
    return <ProblemAlert error={type.error} onRetry={() => void type.refetch()} />;
  }
  return <TicketTypeEditor type={type.data} />;
}

function valuesOf(type: TicketType | null): TypeValues {
  return {
    name: type?.name ?? '',
    description: type?.description ?? '',
    default_priority: type?.default_priority ?? 'normal',
    default_group_id: type?.default_group_id ?? null,
    active: type?.active ?? true,
    required_skills: (type?.required_skills ?? []).map((skill) => ({ name: skill.name, level: skill.min_level ?? null })),
  };
}

/** The definitions as this editor would send them, to tell whether anything changed. */
function definitionsJson(fields: Schemas['FieldDefinition'][]): string {
  return JSON.stringify(toDefinitions(initFields(fields)));
}

function TicketTypeEditor({ type }: { type: TicketType | null }) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const invalidate = useInvalidate();
  const groups = useGroups();
  const [form] = Form.useForm<TypeValues>();
  const [fields, dispatch] = useReducer(fieldsReducer, type?.fields ?? [], initFields);
  const [saved, setSaved] = useState(() => ({ values: valuesOf(type), fields: definitionsJson(type?.fields ?? []) }));
  const [attempted, setAttempted] = useState(false);
  const [serverErrors, setServerErrors] = useState<ServerFieldErrors>({});
  const [problem, setProblem] = useState<unknown>(null);
  const problems = useMemo(() => validateFields(fields), [fields]);

  const watched = Form.useWatch([], form) as Partial<TypeValues> | undefined;
  const dirty =
    JSON.stringify(toDefinitions(fields)) !== saved.fields ||
    (watched !== undefined && (Object.keys(saved.values) as (keyof TypeValues)[]).some(
        (k) => JSON.stringify(watched[k] ?? null) !== JSON.stringify(saved.values[k] ?? null),
      ));

  // Leaving the page (reload, close) with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // An edit to a field clears the server's complaint about it; the next save asks again.
  const dispatchAndClear: typeof dispatch = (action) => {
    if ('uid' in action) {
      setServerErrors((current) => Object.fromEntries(Object.entries(current).filter(([uid]) => uid !== action.uid)));
    }
    dispatch(action);
  };

  const save = useMutation({
    mutationFn: (body: Schemas['TicketTypePatch']) =>
      type
        ? unwrap(api.PATCH('/api/v1/ticket-types/{id}', { params: { path: { id: type.id } }, body }))
        : unwrap(
            api.POST('/api/v1/ticket-types', {
              body: {
                name: body.name ?? '',
                description: body.description,
                default_priority: body.default_priority,
                default_group_id: body.default_group_id,
                fields: body.fields ?? [],
                required_skills: body.required_skills ?? [],
              },
            }),
          ),
  });

  const submit = async () => {
    setAttempted(true);
    setProblem(null);
    let values: TypeValues;
    try {
      values = await form.validateFields();
    } catch {
      void message.error(t('ticketTypes.fixErrors'));
      return;
    }
    if (hasProblems(problems)) {
      void message.error(t('ticketTypes.fixErrors'));
      document.querySelector<HTMLElement>('[data-testid="field-editor"] .ant-form-item-has-error input')?.focus();
      return;
    }
    const order = fields.map((f) => f.uid);
    const body: Schemas['TicketTypePatch'] = {
      name: values.name.trim(),
      description: values.description.trim(),
      default_priority: values.default_priority,
      default_group_id: values.default_group_id ?? null,
      fields: toDefinitions(fields),
      required_skills: (values.required_skills ?? [])
        .filter((skill) => skill.name.trim())
        .map((skill) => ({ name: skill.name.trim(), min_level: skill.level ?? null })),
      ...(type ? { active: values.active } : {}),
    };
    save.mutate(body, {
      onSuccess: (result) => {
        void message.success(type ? t('ticketTypes.saved', { name: result.name }) : t('ticketTypes.created', { name: result.name }));
        queryClient.setQueryData(ticketTypeQueryOptions(result.id).queryKey, result);
        void invalidate('ticket-types');
        setServerErrors({});
        setAttempted(false);
        if (!type) {
          void navigate(`/admin/ticket-types/${result.id}`, { replace: true });
          return;
        }
        dispatch({ type: 'reset', fields: result.fields });
        form.setFieldsValue(valuesOf(result));
        setSaved({ values: valuesOf(result), fields: definitionsJson(result.fields) });
      },
      onError: (error) => {
        if (!(error instanceof ApiProblem) || error.status !== 422) {
          if (error instanceof ApiProblem && error.status === 409) {
            form.setFields([{ name: 'name', errors: [error.detail] }]);
          } else {
            setProblem(error);
          }
          return;
        }
        const placed = placeServerErrors(error.errors, order);
        setServerErrors(placed.byField);
        const onForm = Object.entries(placed.rest).filter(([key]) => FORM_FIELDS.includes(key));
        form.setFields(onForm.map(([name, errors]) => ({ name: name as keyof TypeValues, errors })));
        const rest = Object.entries(placed.rest).filter(([key]) => !FORM_FIELDS.includes(key));
        if (rest.length > 0) setProblem(new ApiProblem(422, { ...error.body, errors: Object.fromEntries(rest) }));
        else if (Object.keys(placed.byField).length === 0 && onForm.length === 0) setProblem(error);
        void message.error(t('ticketTypes.fixErrors'));
      },
    });
  };

  const groupOptions = groups.data
    ? flattenTree(buildGroupTree(groups.data)).map((g) => ({ value: g.id, label: groupPath(groups.data, g.id) }))
    : [];
  const title = type ? type.name : t('ticketTypes.new');

  return (
    <>
      <Breadcrumb
        className={styles.breadcrumb}
        items={[{ title: <Link to="/admin/ticket-types">{t('ticketTypes.title')}</Link> }, { title }]}
      />
      <ScreenHeader
        title={title}
        extra={type ? (type.active ? <Tag color="green">{t('ticketTypes.active')}</Tag> : <Tag>{t('ticketTypes.inactive')}</Tag>) : null}
      />
      <Card size="small" title={t('ticketTypes.basics')}>
        <Form<TypeValues>
          form={form}
          layout="vertical"
          initialValues={valuesOf(type)}
          onFinish={() => void submit()}
          className={styles.typeForm}
        >
          <Form.Item
            name="name"
            label={t('ticketTypes.name')}
            className={styles.wide}
            rules={[
              { required: true, whitespace: true, message: t('common:form.required', { label: t('ticketTypes.name') }) },
              { max: 100, message: t('tooLong', { max: 100 }) },
            ]}
          >
            <Input autoComplete="off" data-testid="ticket-type-name" />
          </Form.Item>
          <Form.Item
            name="description"
            label={t('ticketTypes.description')}
            className={styles.wide}
            rules={[{ max: 2000, message: t('tooLong', { max: 2000 }) }]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
          <Form.Item name="default_priority" label={t('ticketTypes.defaultPriority')}>
            <Select options={PRIORITIES.map((p) => ({ value: p, label: <PriorityTag priority={p} /> }))} />
          </Form.Item>
          <Form.Item name="default_group_id" label={t('ticketTypes.defaultGroup')} extra={t('ticketTypes.defaultGroupHint')}>
            <Select
              allowClear
              loading={groups.isPending}
              placeholder={t('ticketTypes.noDefaultGroup')}
              showSearch={{ optionFilterProp: 'label' }}
              options={groupOptions}
            />
          </Form.Item>
          <Form.Item
            name="required_skills"
            label={t('ticketTypes.requiredSkills')}
            extra={t('ticketTypes.requiredSkillsHint')}
            className={styles.wide}
          >
            <SkillsInput levelLabel={t('skills.minLevel')} />
          </Form.Item>
          {type ? (
            <Form.Item name="active" label={t('ticketTypes.status')} valuePropName="checked" extra={t('ticketTypes.activeHint')}>
              <Switch checkedChildren={t('ticketTypes.active')} unCheckedChildren={t('ticketTypes.inactive')} />
            </Form.Item>
          ) : null}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </Form>
      </Card>

      <FieldEditor
        fields={fields}
        dispatch={dispatchAndClear}
        problems={problems}
        serverErrors={serverErrors}
        showAllProblems={attempted}
      />

      {problem ? (
        <div className={styles.section}>
          <FormProblem error={problem} />
        </div>
      ) : null}

      <div className={styles.stickyActions}>
        {dirty ? <Tag color="orange">{t('ticketTypes.unsaved')}</Tag> : null}
        <Button onClick={() => void navigate('/admin/ticket-types')}>{t('common:action.back')}</Button>
        <Button type="primary" onClick={() => void submit()} loading={save.isPending} data-testid="save-ticket-type">
          {type ? t('common:action.save') : t('common:action.create')}
        </Button>
      </div>
    </>
  );
}
