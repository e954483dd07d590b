import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Descriptions, Divider, Drawer, Flex, Form, Input, Radio, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';
import { updateUser } from '@/auth/session';
import { showServerErrors } from '@/components/formErrors';
import { TimeText } from '@/components/TimeText';
import { useAllOrganizations, useGroups, useInvalidate, useRoles } from '../adminApi';
import { FormProblem, useIsPhone } from '../components';
import { roleFitsKind, useRoleLabel } from '../labels';
import { buildGroupTree, flattenTree, groupPath } from '../groups/groupTree';
import { AgentProfileSection } from './AgentProfileSection';
import styles from '../admin.module.css';

type User = Schemas['UserView'];
type UserKind = Schemas['UserKind'];

const MIN_PASSWORD = 8;

interface UserValues {
  name: string;
  email: string;
  password?: string;
  kind: UserKind;
  role: string;
  organization_id?: number | null;
  group_ids?: number[];
}

const SERVER_FIELDS = ['name', 'email', 'password', 'kind', 'role', 'organization_id', 'group_ids'];

/** Create (user null) or edit a user, in a drawer that takes the whole width of a phone. */
export function UserDrawer({
  open,
  user,
  onClose,
  onSaved,
}: {
  open: boolean;
  user: User | null;
  onClose: () => void;
  onSaved: (user: User) => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const phone = useIsPhone();
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={phone ? '100%' : 520}
      title={user ? user.name : t('users.new')}
      destroyOnHidden
    >
      {user ? <EditUser key={user.id} user={user} onClose={onClose} onSaved={onSaved} /> : <CreateUser onClose={onClose} />}
    </Drawer>
  );
}

/** Role, organisation and groups: the parts of the form that depend on the kind. */
function MembershipFields({ kind }: { kind: UserKind }) {
  const { t } = useTranslation(['admin', 'common']);
  const roleLabel = useRoleLabel();
  const roles = useRoles();
  const groups = useGroups();
  const organizations = useAllOrganizations();
  const roleOptions = (roles.data ?? [])
    .filter((role) => roleFitsKind(role, kind))
    .map((role) => ({ value: role.name, label: roleLabel(role.name), description: role.description }));
  const groupOptions = groups.data
    ? flattenTree(buildGroupTree(groups.data)).map((g) => ({ value: g.id, label: groupPath(groups.data, g.id) }))
    : [];

  return (
    <>
      <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('users.roleRequired') }]}>
        <Select
          loading={roles.isPending}
          options={roleOptions}
          optionRender={(option) => (
            <div>
              {option.label}
              <span className={styles.secondary}>{option.data.description}</span>
            </div>
          )}
        />
      </Form.Item>
      {kind === 'customer' ? (
        <Form.Item name="organization_id" label={t('users.organization')} extra={t('users.organizationHint')}>
          <Select
            allowClear
            loading={organizations.isPending}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('users.noOrganization')}
            options={(organizations.data ?? []).map((o) => ({ value: o.id, label: o.name }))}
          />
        </Form.Item>
      ) : (
        <Form.Item name="group_ids" label={t('users.groups')} extra={t('users.groupsHint')}>
          <Select
            mode="multiple"
            allowClear
            loading={groups.isPending}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('users.noGroups')}
            options={groupOptions}
          />
        </Form.Item>
      )}
    </>
  );
}

function CreateUser({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<UserValues>();
  const kind: UserKind = Form.useWatch('kind', form) ?? 'staff';
  const roles = useRoles();
  const [problem, setProblem] = useState<unknown>(null);

  const create = useMutation({
    mutationFn: (values: UserValues) =>
      unwrap(
        api.POST('/api/v1/users', {
          body: {
            name: values.name.trim(),
            email: values.email.trim(),
            password: values.password ? values.password : undefined,
            kind: values.kind,
            role: values.role,
            organization_id: values.kind === 'customer' ? (values.organization_id ?? null) : null,
            group_ids: values.kind === 'staff' ? (values.group_ids ?? []) : [],
          },
        }),
      ),
    onSuccess: (created) => {
      void message.success(t('users.created', { name: created.name }));
      void invalidate('users');
      void invalidate('groups');
      onClose();
    },
    onError: (error) => setProblem(showServerErrors(form, error, SERVER_FIELDS, { conflictField: 'email' })),
  });

  const changeKind = (next: UserKind) => {
    const role = roles.data?.find((r) => r.name === form.getFieldValue('role'));
    if (!role || !roleFitsKind(role, next)) form.setFieldValue('role', next === 'staff' ? 'agent' : 'customer');
  };

  return (
    <Form<UserValues>
      form={form}
      layout="vertical"
      initialValues={{ kind: 'staff', role: 'agent', group_ids: [] }}
      onFinish={(values) => {
        setProblem(null);
        create.mutate(values);
      }}
      requiredMark
    >
      <Form.Item name="kind" label={t('users.kindLabel')}>
        <Radio.Group
          optionType="button"
          onChange={(e) => changeKind(e.target.value as UserKind)}
          options={[
            { value: 'staff', label: t('users.kind.staff') },
            { value: 'customer', label: t('users.kind.customer') },
          ]}
        />
      </Form.Item>
      <IdentityFields />
      <Form.Item
        name="password"
        label={t('users.password')}
        extra={t('users.passwordHint')}
        rules={[{ min: MIN_PASSWORD, message: t('users.passwordTooShort', { min: MIN_PASSWORD }) }]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <MembershipFields kind={kind} />
      <FormProblem error={problem} />
      <Flex gap={8} justify="end" className={styles.section}>
        <Button onClick={onClose}>{t('common:action.cancel')}</Button>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('common:action.create')}
        </Button>
      </Flex>
    </Form>
  );
}

function IdentityFields() {
  const { t } = useTranslation(['admin', 'common']);
  return (
    <>
      <Form.Item
        name="name"
        label={t('users.name')}
        rules={[
          { required: true, whitespace: true, message: t('common:form.required', { label: t('users.name') }) },
          { max: 100, message: t('tooLong', { max: 100 }) },
        ]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('users.email')}
        rules={[
          { required: true, message: t('common:form.required', { label: t('users.email') }) },
          { type: 'email', message: t('users.emailInvalid') },
          { max: 254, message: t('tooLong', { max: 254 }) },
        ]}
      >
        <Input type="email" autoComplete="off" />
      </Form.Item>
    </>
  );
}

function EditUser({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: (user: User) => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const { message, modal } = App.useApp();
  const { user: me, can } = useAuth();
  const roleLabel = useRoleLabel();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<UserValues>();
  const [passwordForm] = Form.useForm<{ password: string }>();
  const [problem, setProblem] = useState<unknown>(null);
  const isMe = me?.id === user.id;

  const patch = useMutation({
    mutationFn: (body: Schemas['UserPatch']) =>
      unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body })),
    onSuccess: (saved) => {
      // My own role or groups changed: the header and menus follow without a reload.
      if (isMe) updateUser(saved);
      onSaved(saved);
      void invalidate('users');
      void invalidate('groups');
    },
  });

  const save = (values: UserValues) => {
    setProblem(null);
    patch.mutate(
      {
        name: values.name.trim(),
        email: values.email.trim(),
        role: values.role,
        ...(user.kind === 'customer'
          ? { organization_id: values.organization_id ?? null }
          : { group_ids: values.group_ids ?? [] }),
      },
      {
        onSuccess: () => void message.success(t('users.saved')),
        onError: (error) => setProblem(showServerErrors(form, error, SERVER_FIELDS, { conflictField: 'email' })),
      },
    );
  };

  const setActive = (active: boolean) => {
    modal.confirm({
      title: active ? t('users.reactivateConfirm', { name: user.name }) : t('users.deactivateConfirm', { name: user.name }),
      content: active ? t('users.reactivateDetail') : t('users.deactivateDetail'),
      okText: active ? t('users.reactivate') : t('users.deactivate'),
      okButtonProps: { danger: !active },
      cancelText: t('common:action.cancel'),
      onOk: () =>
        new Promise<void>((resolve) => {
          patch.mutate(
            { active },
            {
              onSuccess: () => void message.success(active ? t('users.reactivated') : t('users.deactivated')),
              onError: (error) => setProblem(error),
              onSettled: () => resolve(),
            },
          );
        }),
    });
  };

  const resetPassword = ({ password }: { password: string }) => {
    modal.confirm({
      title: t('users.resetConfirm', { name: user.name }),
      content: t('users.resetDetail'),
      okText: t('users.resetPassword'),
      cancelText: t('common:action.cancel'),
      onOk: () =>
        new Promise<void>((resolve) => {
          patch.mutate(
            { password },
            {
              onSuccess: () => {
                passwordForm.resetFields();
                void message.success(t('users.passwordReset'));
              },
              onError: (error) => {
                if (showServerErrors(passwordForm, error, ['password'])) setProblem(error);
              },
              onSettled: () => resolve(),
            },
          );
        }),
    });
  };

  return (
    <>
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'kind', label: t('users.kindLabel'), children: t(`users.kind.${user.kind}`) },
          {
            key: 'status',
            label: t('users.status'),
            children: user.active ? <Tag color="green">{t('users.active')}</Tag> : <Tag>{t('users.inactive')}</Tag>,
          },
          { key: 'login', label: t('users.lastLogin'), children: <TimeText value={user.last_login_at} /> },
          { key: 'created', label: t('createdAt'), children: <TimeText value={user.created_at} absolute /> },
        ]}
      />
      <Divider />
      <Form<UserValues>
        form={form}
        layout="vertical"
        initialValues={{
          name: user.name,
          email: user.email,
          kind: user.kind,
          role: user.role,
          organization_id: user.organization_id ?? null,
          group_ids: user.group_ids,
        }}
        onFinish={save}
      >
        <IdentityFields />
        <MembershipFields kind={user.kind} />
        {isMe ? <Typography.Paragraph type="secondary">{t('users.selfHint')}</Typography.Paragraph> : null}
        <FormProblem error={problem} />
        <Flex gap={8} justify="end" className={styles.section}>
          <Button onClick={onClose}>{t('common:action.close')}</Button>
          <Button type="primary" htmlType="submit" loading={patch.isPending}>
            {t('common:action.save')}
          </Button>
        </Flex>
      </Form>

      {/* Capacity and skills are dispatch settings (routing_manage); customers have none. */}
      {user.kind === 'staff' && can('routing_manage') ? <AgentProfileSection userId={user.id} /> : null}

      <Divider titlePlacement="start">{t('users.passwordSection')}</Divider>
      <Form form={passwordForm} layout="vertical" onFinish={resetPassword}>
        <Form.Item
          name="password"
          label={t('users.newPassword')}
          extra={t('users.resetDetail')}
          rules={[
            { required: true, message: t('common:form.required', { label: t('users.newPassword') }) },
            { min: MIN_PASSWORD, message: t('users.passwordTooShort', { min: MIN_PASSWORD }) },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button htmlType="submit">{t('users.resetPassword')}</Button>
      </Form>

      <Divider titlePlacement="start">{t('users.accountSection')}</Divider>
      {isMe ? (
        <Typography.Paragraph type="secondary">{t('users.cannotDeactivateSelf')}</Typography.Paragraph>
      ) : user.active ? (
        <>
          <Typography.Paragraph type="secondary">{t('users.deactivateDetail')}</Typography.Paragraph>
          <Button danger onClick={() => setActive(false)}>
            {t('users.deactivate')}
          </Button>
        </>
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('users.inactiveHint', { role: roleLabel(user.role) })}</Typography.Paragraph>
          <Button type="primary" ghost onClick={() => setActive(true)}>
            {t('users.reactivate')}
          </Button>
        </>
      )}
    </>
  );
}
