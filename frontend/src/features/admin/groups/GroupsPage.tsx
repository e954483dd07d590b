import { useMemo, useState, type HTMLAttributes } from 'react';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Empty, Form, Input, Modal, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { showServerErrors } from '@/components/formErrors';
import { QueryState } from '@/components/QueryState';
import { useAgents } from '@/features/dispatch';
import { useGroups, useInvalidate } from '../adminApi';
import { FormProblem, ScreenHeader, useIsPhone } from '../components';
import { buildGroupTree, flattenTree, selfAndDescendants, type GroupNode } from './groupTree';
import { GroupMembersDrawer } from './GroupMembersDrawer';
import styles from '../admin.module.css';

type Group = Schemas['GroupView'];

export function GroupsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const phone = useIsPhone();
  const groups = useGroups();
  const tree = useMemo(() => buildGroupTree(groups.data ?? []), [groups.data]);
  // Both kept while their dialog closes, so the content does not change mid-animation.
  const [form, setForm] = useState<{ open: boolean; group: Group | null }>({ open: false, group: null });
  const [members, setMembers] = useState<{ open: boolean; groupId: number | null }>({ open: false, groupId: null });
  const membersGroup = groups.data?.find((g) => g.id === members.groupId) ?? null;

  const columns: TableColumnsType<GroupNode> = [
    {
      key: 'name',
      title: t('groups.name'),
      render: (_, group) => (
        <div className={styles.treeCell}>
          <Typography.Text strong>{group.name}</Typography.Text>
          {group.description ? <span className={styles.secondary}>{group.description}</span> : null}
        </div>
      ),
    },
    {
      key: 'members',
      title: t('groups.members'),
      width: phone ? undefined : 120,
      responsive: ['sm'],
      render: (_, group) => <Tag icon={<TeamOutlined />}>{t('groups.memberCount', { count: group.member_ids.length })}</Tag>,
    },
    {
      key: 'actions',
      title: <span className={styles.visuallyHidden}>{t('actions')}</span>,
      align: 'right',
      render: (_, group) => (
        <Space size={4} wrap>
          <Button
            size="small"
            icon={<TeamOutlined />}
            onClick={() => setMembers({ open: true, groupId: group.id })}
            aria-label={t('groups.membersOf', { name: group.name })}
          >
            {phone ? group.member_ids.length : t('groups.members')}
          </Button>
          <Button size="small" onClick={() => setForm({ open: true, group })} aria-label={t('groups.editNamed', { name: group.name })}>
            {t('common:action.edit')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <ScreenHeader
        title={t('groups.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setForm({ open: true, group: null })}>
            {t('groups.new')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary" className={styles.intro}>
          {t('groups.intro')}
        </Typography.Paragraph>
      </ScreenHeader>
      <QueryState query={groups}>
        {() => (
          <Table<GroupNode>
            rowKey="id"
            size={phone ? 'small' : 'middle'}
            columns={columns}
            dataSource={tree}
            pagination={false}
            expandable={{ defaultExpandAllRows: true, indentSize: phone ? 12 : 20 }}
            onRow={(group) => ({ 'data-testid': 'group-row', 'data-name': group.name }) as HTMLAttributes<HTMLElement>}
            locale={{ emptyText: <Empty description={t('groups.empty')} /> }}
          />
        )}
      </QueryState>
      <GroupFormModal
        open={form.open}
        group={form.group}
        groups={groups.data ?? []}
        onClose={() => setForm((current) => ({ ...current, open: false }))}
      />
      <GroupMembersDrawer
        open={members.open}
        group={membersGroup}
        onClose={() => setMembers((current) => ({ ...current, open: false }))}
      />
    </>
  );
}

interface GroupValues {
  name: string;
  description?: string;
  parent_id?: number | null;
  supervisor_id?: number | null;
}

function GroupFormModal({
  open,
  group,
  groups,
  onClose,
}: {
  open: boolean;
  group: Group | null;
  groups: Group[];
  onClose: () => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<GroupValues>();
  const [problem, setProblem] = useState<unknown>(null);
  // Staff with their dispatch profiles: who can hear about the group's escalations.
  const staff = useAgents(null, open);

  // A group cannot move under itself or under one of its own subgroups.
  const excluded = group ? selfAndDescendants(groups, group.id) : new Set<number>();
  const parentOptions = flattenTree(buildGroupTree(groups))
    .filter((g) => !excluded.has(g.id))
    .map((g) => ({ value: g.id, label: g.name, depth: g.depth }));

  const save = useMutation({
    mutationFn: (values: GroupValues) => {
      const body = {
        name: values.name.trim(),
        description: values.description?.trim() ?? '',
        parent_id: values.parent_id ?? null,
        supervisor_id: values.supervisor_id ?? null,
      };
      return group
        ? unwrap(api.PATCH('/api/v1/groups/{id}', { params: { path: { id: group.id } }, body }))
        : unwrap(api.POST('/api/v1/groups', { body }));
    },
    onSuccess: (saved) => {
      void message.success(group ? t('groups.saved', { name: saved.name }) : t('groups.created', { name: saved.name }));
      void invalidate('groups');
      onClose();
    },
    onError: (error) => setProblem(showServerErrors(form, error, ['name', 'description', 'parent_id', 'supervisor_id'], { conflictField: 'name' })),
  });

  return (
    <Modal
      open={open}
      title={group ? t('groups.editTitle', { name: group.name }) : t('groups.new')}
      onCancel={onClose}
      okText={group ? t('common:action.save') : t('common:action.create')}
      cancelText={t('common:action.cancel')}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setProblem(null);
      }}
      width={520}
    >
      <Form<GroupValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          name: group?.name ?? '',
          description: group?.description ?? '',
          parent_id: group?.parent_id ?? null,
          supervisor_id: group?.supervisor_id ?? null,
        }}
        onFinish={(values) => {
          setProblem(null);
          save.mutate(values);
        }}
      >
        <Form.Item
          name="name"
          label={t('groups.name')}
          rules={[
            { required: true, whitespace: true, message: t('common:form.required', { label: t('groups.name') }) },
            { max: 100, message: t('tooLong', { max: 100 }) },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="description" label={t('groups.description')} rules={[{ max: 2000, message: t('tooLong', { max: 2000 }) }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
        <Form.Item name="parent_id" label={t('groups.parent')} extra={t('groups.parentHint')}>
          <Select
            allowClear
            placeholder={t('groups.topLevel')}
            showSearch={{ optionFilterProp: 'label' }}
            options={parentOptions}
            optionRender={(option) => <span style={{ paddingInlineStart: (option.data.depth ?? 0) * 16 }}>{option.label}</span>}
          />
        </Form.Item>
        <Form.Item name="supervisor_id" label={t('groups.supervisor')} extra={t('groups.supervisorHint')}>
          <Select
            allowClear
            placeholder={t('groups.noSupervisor')}
            loading={staff.isPending}
            showSearch={{ optionFilterProp: 'label' }}
            options={(staff.data ?? []).map((agent) => ({ value: agent.user_id, label: agent.name }))}
            data-testid="group-supervisor"
          />
        </Form.Item>
        {/* Enter in a field submits: a hidden submit button, as the OK button sits outside the form. */}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      <FormProblem error={problem} />
    </Modal>
  );
}
