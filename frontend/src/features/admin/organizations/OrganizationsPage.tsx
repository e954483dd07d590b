import { useState, type HTMLAttributes } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import { App, AutoComplete, Button, Empty, Form, Input, Modal, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';
import { showServerErrors } from '@/components/formErrors';
import { QueryState } from '@/components/QueryState';
import { TimeText } from '@/components/TimeText';
import { useInvalidate, useOrganizationPages } from '../adminApi';
import { FormProblem, ScreenHeader, useIsPhone } from '../components';
import styles from '../admin.module.css';

type Organization = Schemas['OrganizationView'];

export function OrganizationsPage() {
  const { t } = useTranslation(['admin', 'common']);
  const { can } = useAuth();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const organizations = useOrganizationPages();
  const [form, setForm] = useState<{ open: boolean; organization: Organization | null }>({ open: false, organization: null });
  const items = organizations.data?.pages.flatMap((page) => page.items) ?? [];

  const sharedTag = (organization: Organization) =>
    organization.shared_ticket_view ? <Tag color="blue">{t('organizations.shared')}</Tag> : <Tag>{t('organizations.private')}</Tag>;

  const columns: TableColumnsType<Organization> = [
    {
      key: 'name',
      title: t('organizations.name'),
      render: (_, organization) => (
        <div>
          <Typography.Text strong>{organization.name}</Typography.Text>
          {phone ? <div className={styles.rowMeta}>{sharedTag(organization)}</div> : null}
          {organization.tier ? (
            <Tag color="gold" style={{ marginInlineStart: 8 }} data-testid="organization-tier">
              {organization.tier}
            </Tag>
          ) : null}
        </div>
      ),
    },
    { key: 'shared', title: t('organizations.ticketView'), responsive: ['md'], render: (_, organization) => sharedTag(organization) },
    {
      key: 'created',
      title: t('createdAt'),
      responsive: ['lg'],
      render: (_, organization) => <TimeText value={organization.created_at} absolute />,
    },
    {
      key: 'actions',
      title: <span className={styles.visuallyHidden}>{t('actions')}</span>,
      align: 'right',
      render: (_, organization) => (
        <Space size={4} wrap>
          {can('users_manage') ? (
            <Button size="small" onClick={() => void navigate(`/admin/users?organization_id=${organization.id}`)}>
              {t('organizations.people')}
            </Button>
          ) : null}
          <Button
            size="small"
            onClick={() => setForm({ open: true, organization })}
            aria-label={t('organizations.editNamed', { name: organization.name })}
          >
            {t('common:action.edit')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <ScreenHeader
        title={t('organizations.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setForm({ open: true, organization: null })}>
            {t('organizations.new')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary" className={styles.intro}>
          {t('organizations.intro')}
        </Typography.Paragraph>
      </ScreenHeader>
      <QueryState query={organizations}>
        {() => (
          <>
            <Table<Organization>
              rowKey="id"
              size={phone ? 'small' : 'middle'}
              columns={columns}
              dataSource={items}
              pagination={false}
              onRow={(o) => ({ 'data-testid': 'organization-row', 'data-name': o.name }) as HTMLAttributes<HTMLElement>}
              locale={{ emptyText: <Empty description={t('organizations.empty')} /> }}
            />
            {organizations.hasNextPage ? (
              <div className={styles.loadMore}>
                <Button onClick={() => void organizations.fetchNextPage()} loading={organizations.isFetchingNextPage}>
                  {t('common:action.loadMore')}
                </Button>
              </div>
            ) : null}
          </>
        )}
      </QueryState>
      <OrganizationModal
        open={form.open}
        organization={form.organization}
        onClose={() => setForm((current) => ({ ...current, open: false }))}
      />
    </>
  );
}

interface OrganizationValues {
  name: string;
  shared_ticket_view: boolean;
  tier?: string;
}

function OrganizationModal({
  open,
  organization,
  onClose,
}: {
  open: boolean;
  organization: Organization | null;
  onClose: () => void;
}) {
  const { t } = useTranslation(['admin', 'common']);
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<OrganizationValues>();
  const [problem, setProblem] = useState<unknown>(null);

  const save = useMutation({
    mutationFn: (values: OrganizationValues) => {
      // "" removes the tier on an edit; a new organisation simply has none.
      const tier = values.tier?.trim() ?? '';
      const body = { name: values.name.trim(), shared_ticket_view: values.shared_ticket_view, tier: tier || (organization ? '' : null) };
      return organization
        ? unwrap(api.PATCH('/api/v1/organizations/{id}', { params: { path: { id: organization.id } }, body }))
        : unwrap(api.POST('/api/v1/organizations', { body }));
    },
    onSuccess: (saved) => {
      void message.success(
        organization ? t('organizations.saved', { name: saved.name }) : t('organizations.created', { name: saved.name }),
      );
      void invalidate('organizations');
      onClose();
    },
    onError: (error) => setProblem(showServerErrors(form, error, ['name', 'shared_ticket_view', 'tier'], { conflictField: 'name' })),
  });

  return (
    <Modal
      open={open}
      title={organization ? t('organizations.editTitle', { name: organization.name }) : t('organizations.new')}
      onCancel={onClose}
      okText={organization ? t('common:action.save') : t('common:action.create')}
      cancelText={t('common:action.cancel')}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setProblem(null);
      }}
    >
      <Form<OrganizationValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          name: organization?.name ?? '',
          shared_ticket_view: organization?.shared_ticket_view ?? false,
          tier: organization?.tier ?? '',
        }}
        onFinish={(values) => {
          setProblem(null);
          save.mutate(values);
        }}
      >
        <Form.Item
          name="name"
          label={t('organizations.name')}
          rules={[
            { required: true, whitespace: true, message: t('common:form.required', { label: t('organizations.name') }) },
            { max: 200, message: t('tooLong', { max: 200 }) },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="shared_ticket_view"
          label={t('organizations.ticketView')}
          valuePropName="checked"
          extra={t('organizations.sharedHint')}
        >
          <Switch />
        </Form.Item>
        <Form.Item name="tier" label={t('organizations.tier')} extra={t('organizations.tierHint')} rules={[{ max: 50, message: t('tooLong', { max: 50 }) }]}>
          <AutoComplete options={[{ value: 'vip' }, { value: 'gold' }]} allowClear placeholder="vip" />
        </Form.Item>
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      <FormProblem error={problem} />
    </Modal>
  );
}
