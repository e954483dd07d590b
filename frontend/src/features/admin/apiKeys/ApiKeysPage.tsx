import { useState, type HTMLAttributes } from 'react';
import { useMutation, useQueries } from '@tanstack/react-query';
import { App, Button, Checkbox, Empty, Form, Input, Modal, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';
import { showServerErrors } from '@/components/formErrors';
import { QueryState } from '@/components/QueryState';
import { TimeText } from '@/components/TimeText';
import { useApiKeys, useInvalidate } from '../adminApi';
import { FormProblem, ScreenHeader, useIsPhone } from '../components';
import { usePermissionLabel } from '../labels';
import { CreatedKeyModal } from './CreatedKeyModal';
import styles from '../admin.module.css';

type ApiKey = Schemas['ApiKeyView'];

/** Names of the users keys act as; without `users_read` the id is all there is. */
function useOwnerNames(keys: ApiKey[] | undefined): (userId: number) => string | null {
  const { can, user: me } = useAuth();
  const ids = [...new Set((keys ?? []).map((k) => k.user_id))].filter((id) => id !== me?.id);
  const owners = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['admin', 'users', 'one', id],
      enabled: can('users_read') || can('users_manage'),
      queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } } })),
      staleTime: 5 * 60_000,
    })),
  });
  return (userId) => {
    if (userId === me?.id) return null;
    return owners.find((o) => o.data?.id === userId)?.data?.name ?? `#${userId}`;
  };
}

export function ApiKeysPage() {
  const { t } = useTranslation(['admin', 'common']);
  const { message, modal } = App.useApp();
  const phone = useIsPhone();
  const permissionLabel = usePermissionLabel();
  const invalidate = useInvalidate();
  const keys = useApiKeys();
  const ownerName = useOwnerNames(keys.data);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Schemas['CreatedApiKeyView'] | null>(null);

  const revoke = useMutation({
    mutationFn: (key: ApiKey) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: key.id } } })),
    onSuccess: (revoked) => {
      void message.success(t('apiKeys.revoked', { name: revoked.name }));
      void invalidate('api-keys');
    },
  });

  const confirmRevoke = (key: ApiKey) =>
    modal.confirm({
      title: t('apiKeys.revokeConfirm', { name: key.name }),
      content: t('apiKeys.revokeDetail'),
      okText: t('apiKeys.revoke'),
      okButtonProps: { danger: true },
      cancelText: t('common:action.cancel'),
      // Resolves either way so the dialog closes; a failure shows as a message.
      onOk: () =>
        revoke.mutateAsync(key).catch((error: unknown) => {
          void message.error(error instanceof Error ? error.message : t('common:state.error'));
        }),
    });

  // Working keys first, newest first within each part.
  const sorted = [...(keys.data ?? [])].sort(
    (a, b) => Number(!!a.revoked_at) - Number(!!b.revoked_at) || b.created_at.localeCompare(a.created_at),
  );

  const statusTag = (key: ApiKey) =>
    key.revoked_at ? (
      <Tag color="default">
        {t('apiKeys.revokedAt')} <TimeText value={key.revoked_at} />
      </Tag>
    ) : (
      <Tag color="green">{t('apiKeys.active')}</Tag>
    );

  const columns: TableColumnsType<ApiKey> = [
    {
      key: 'name',
      title: t('apiKeys.name'),
      render: (_, key) => (
        <div>
          <Typography.Text strong delete={!!key.revoked_at}>
            {key.name}
          </Typography.Text>
          <span className={styles.secondary}>
            <Typography.Text code>{key.prefix}…</Typography.Text>{' '}
            {ownerName(key.user_id) ? t('apiKeys.actsAs', { name: ownerName(key.user_id) }) : t('apiKeys.actsAsYou')}
          </span>
          {phone ? (
            <div className={styles.rowMeta}>
              {statusTag(key)}
              <Tag>{t('apiKeys.permissionCount', { count: key.permissions.length })}</Tag>
              <span className={styles.secondary}>
                {t('apiKeys.lastUsed')}: <TimeText value={key.last_used_at} />
              </span>
            </div>
          ) : null}
        </div>
      ),
    },
    {
      key: 'permissions',
      title: t('apiKeys.permissions'),
      responsive: ['lg'],
      render: (_, key) => (
        <div className={styles.tagList}>
          {key.permissions.map((p) => (
            <Tag key={p}>{permissionLabel(p)}</Tag>
          ))}
        </div>
      ),
    },
    { key: 'created', title: t('createdAt'), responsive: ['xl'], render: (_, key) => <TimeText value={key.created_at} /> },
    { key: 'used', title: t('apiKeys.lastUsed'), responsive: ['md'], render: (_, key) => <TimeText value={key.last_used_at} /> },
    { key: 'status', title: t('apiKeys.status'), responsive: ['md'], render: (_, key) => statusTag(key) },
    {
      key: 'actions',
      title: <span className={styles.visuallyHidden}>{t('actions')}</span>,
      align: 'right',
      render: (_, key) =>
        key.revoked_at ? null : (
          <Button size="small" danger onClick={() => confirmRevoke(key)} aria-label={t('apiKeys.revokeNamed', { name: key.name })}>
            {t('apiKeys.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <ScreenHeader
        title={t('apiKeys.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('apiKeys.new')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary" className={styles.intro}>
          {t('apiKeys.intro')}
        </Typography.Paragraph>
      </ScreenHeader>
      <QueryState query={keys}>
        {() => (
          <Table<ApiKey>
            rowKey="id"
            size={phone ? 'small' : 'middle'}
            columns={columns}
            dataSource={sorted}
            pagination={false}
            onRow={(key) =>
              ({ 'data-testid': 'api-key-row', 'data-name': key.name, 'data-revoked': String(!!key.revoked_at) }) as HTMLAttributes<HTMLElement>
            }
            locale={{ emptyText: <Empty description={t('apiKeys.empty')} /> }}
          />
        )}
      </QueryState>
      <CreateKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          setCreated(key);
        }}
      />
      <CreatedKeyModal created={created} onClose={() => setCreated(null)} />
    </>
  );
}

interface KeyValues {
  name: string;
  permissions: Schemas['Permission'][];
}

function CreateKeyModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (key: Schemas['CreatedApiKeyView']) => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const { user: me } = useAuth();
  const permissionLabel = usePermissionLabel();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<KeyValues>();
  const [problem, setProblem] = useState<unknown>(null);

  const create = useMutation({
    mutationFn: (values: KeyValues) =>
      unwrap(api.POST('/api/v1/api-keys', { body: { name: values.name.trim(), permissions: values.permissions } })),
    onSuccess: (key) => {
      void invalidate('api-keys');
      onCreated(key);
    },
    onError: (error) => setProblem(showServerErrors(form, error, ['name', 'permissions'])),
  });

  return (
    <Modal
      open={open}
      title={t('apiKeys.new')}
      onCancel={onClose}
      okText={t('common:action.create')}
      cancelText={t('common:action.cancel')}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setProblem(null);
      }}
    >
      <Form<KeyValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ name: '', permissions: [] }}
        onFinish={(values) => {
          setProblem(null);
          create.mutate(values);
        }}
      >
        <Form.Item
          name="name"
          label={t('apiKeys.name')}
          extra={t('apiKeys.nameHint')}
          rules={[
            { required: true, whitespace: true, message: t('common:form.required', { label: t('apiKeys.name') }) },
            { max: 100, message: t('tooLong', { max: 100 }) },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="permissions"
          label={t('apiKeys.permissions')}
          extra={t('apiKeys.permissionsHint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('apiKeys.permissionsRequired') }]}
        >
          <Checkbox.Group
            className={styles.permissionGrid}
            options={(me?.permissions ?? []).map((p) => ({ value: p, label: permissionLabel(p) }))}
          />
        </Form.Item>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      <FormProblem error={problem} />
    </Modal>
  );
}
