import { useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Checkbox, Empty, Form, Input, Modal, Select, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { DeleteOutlined, EditOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { showServerErrors } from '@/components/formErrors';
import { QueryState } from '@/components/QueryState';
import { kindLabel, NOTIFY_KINDS } from '@/features/notifications';
import { FormProblem, ScreenHeader, useIsPhone } from '../components';
import { useChannels, useDeleteChannel, useSaveChannel, type ChannelView } from './channelsApi';
import { CHANNEL_FIELDS, CHANNEL_KINDS, emptyValues, inputOf, valuesOf, type ChannelValues } from './channelModel';
import styles from '../admin.module.css';

/** Group robots (WeCom, DingTalk, Feishu) and webhooks that hear about chosen events (`channels_manage`). */
export function ChannelsPage() {
  const { t } = useTranslation(['channels', 'common']);
  const { t: tc } = useTranslation();
  const { message, modal } = App.useApp();
  const phone = useIsPhone();
  const channels = useChannels();
  const save = useSaveChannel();
  const remove = useDeleteChannel();
  const [editing, setEditing] = useState<ChannelView | 'new' | null>(null);

  const confirmDelete = (channel: ChannelView) =>
    modal.confirm({
      title: t('deleteConfirm', { name: channel.name }),
      okText: t('common:action.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common:action.cancel'),
      onOk: () =>
        remove.mutateAsync(channel.id).then(
          () => void message.success(t('deleted', { name: channel.name })),
          (error: unknown) => void message.error(error instanceof Error ? error.message : t('common:state.error')),
        ),
    });

  const events = (channel: ChannelView) =>
    channel.event_kinds.length === 0 ? (
      <Tag>{t('allEvents')}</Tag>
    ) : (
      channel.event_kinds.map((kind) => <Tag key={kind}>{kindLabel(tc, kind)}</Tag>)
    );

  const columns: TableColumnsType<ChannelView> = [
    {
      key: 'name',
      title: t('name'),
      render: (_, channel) => (
        <div>
          <Typography.Text strong>{channel.name}</Typography.Text>{' '}
          <Tag color="blue">{t(`kind.${channel.kind}`)}</Tag>
          {channel.signed ? (
            <Tag icon={<LockOutlined />} data-testid="channel-signed">
              {t('signed')}
            </Tag>
          ) : null}
          <span className={styles.secondary}>
            <Typography.Text type="secondary" ellipsis style={{ maxWidth: phone ? 240 : 420 }}>
              {channel.url}
            </Typography.Text>
          </span>
          {phone ? <div className={styles.rowMeta}>{events(channel)}</div> : null}
        </div>
      ),
    },
    { key: 'events', title: t('events'), responsive: ['md'], render: (_, channel) => <div className={styles.tagList}>{events(channel)}</div> },
    {
      key: 'enabled',
      title: t('enabled'),
      render: (_, channel) => (
        <Switch
          size="small"
          checked={channel.enabled}
          aria-label={t('enabledNamed', { name: channel.name })}
          loading={save.isPending && save.variables?.id === channel.id}
          onChange={(enabled) =>
            save.mutate(
              { id: channel.id, input: { ...inputOf(valuesOf(channel), true), enabled } },
              { onError: (error) => void message.error(error instanceof Error ? error.message : t('common:state.error')) },
            )
          }
        />
      ),
    },
    {
      key: 'actions',
      title: <span className={styles.visuallyHidden}>{t('common:action.edit')}</span>,
      align: 'right',
      render: (_, channel) => (
        <span className={styles.tagList}>
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(channel)} aria-label={t('editNamed', { name: channel.name })} />
          <Button size="small" danger icon={<DeleteOutlined />} onClick={() => confirmDelete(channel)} aria-label={t('deleteNamed', { name: channel.name })} />
        </span>
      ),
    },
  ];

  return (
    <>
      <ScreenHeader
        title={tc('nav.channels')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="channel-new">
            {t('new')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary" className={styles.intro}>
          {t('intro')}
        </Typography.Paragraph>
      </ScreenHeader>
      <QueryState query={channels}>
        {(data) => (
          <Table<ChannelView>
            rowKey="id"
            size={phone ? 'small' : 'middle'}
            columns={columns}
            dataSource={data}
            pagination={false}
            onRow={(channel) => ({ 'data-testid': 'channel-row', 'data-name': channel.name }) as HTMLAttributes<HTMLElement>}
            locale={{ emptyText: <Empty description={t('empty')} /> }}
          />
        )}
      </QueryState>
      <ChannelDialog channel={editing} onClose={() => setEditing(null)} />
    </>
  );
}

/** Create or edit one channel; the help under the URL and secret follows the kind. */
export function ChannelDialog({ channel, onClose }: { channel: ChannelView | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation(['channels', 'common']);
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [form] = Form.useForm<ChannelValues>();
  const [problem, setProblem] = useState<unknown>(null);
  const save = useSaveChannel();
  const existing = channel && channel !== 'new' ? channel : null;
  const kind = Form.useWatch('kind', form) ?? existing?.kind ?? 'wecom';
  const removeSecret = Form.useWatch('removeSecret', form) ?? false;

  const submit = (values: ChannelValues) => {
    setProblem(null);
    save.mutate(
      { id: existing?.id ?? null, input: inputOf(values, existing !== null) },
      {
        onSuccess: (saved) => {
          void message.success(t('saved', { name: saved.name }));
          onClose();
        },
        onError: (error) => setProblem(showServerErrors(form, error, CHANNEL_FIELDS, { conflictField: 'name' })),
      },
    );
  };

  return (
    <Modal
      open={channel !== null}
      title={existing ? t('edit', { name: existing.name }) : t('new')}
      onCancel={onClose}
      okText={existing ? t('common:action.save') : t('common:action.create')}
      cancelText={t('common:action.cancel')}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      width={phone ? '100%' : 600}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setProblem(null);
      }}
    >
      <Form<ChannelValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={existing ? valuesOf(existing) : emptyValues()}
        onFinish={submit}
        data-testid="channel-form"
      >
        <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: tc('form.required', { label: t('name') }) }]}>
          <Input autoComplete="off" data-testid="channel-name" />
        </Form.Item>
        <Form.Item name="kind" label={t('kindLabel')}>
          <Select
            data-testid="channel-kind"
            aria-label={t('kindLabel')}
            options={CHANNEL_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('url')}
          extra={t(`help.${kind}.url`)}
          rules={[
            { required: true, whitespace: true, message: tc('form.required', { label: t('url') }) },
            { type: 'url', message: t('urlInvalid') },
          ]}
        >
          <Input autoComplete="off" inputMode="url" placeholder={t(`help.${kind}.placeholder`)} data-testid="channel-url" />
        </Form.Item>
        <Form.Item
          name="secret"
          label={t('secret')}
          extra={
            <>
              {t(`help.${kind}.secret`)}
              {existing?.signed ? <div>{t('secretKept')}</div> : null}
            </>
          }
        >
          <Input.Password
            autoComplete="new-password"
            disabled={removeSecret}
            placeholder={existing?.signed ? t('secretUnchanged') : t('secretNone')}
            data-testid="channel-secret"
          />
        </Form.Item>
        {existing?.signed ? (
          <Form.Item name="removeSecret" valuePropName="checked">
            <Checkbox data-testid="channel-remove-secret">{t('removeSecret')}</Checkbox>
          </Form.Item>
        ) : null}
        <Form.Item name="event_kinds" label={t('events')} extra={t('eventsHint')}>
          <Select
            mode="multiple"
            allowClear
            aria-label={t('events')}
            placeholder={t('allEvents')}
            data-testid="channel-events"
            options={NOTIFY_KINDS.map((k) => ({ value: k, label: kindLabel(tc, k) }))}
          />
        </Form.Item>
        <Form.Item name="enabled" label={t('enabled')} valuePropName="checked">
          <Switch data-testid="channel-enabled" />
        </Form.Item>
        {kind === 'webhook' ? <Alert type="info" showIcon title={t('help.webhook.format')} /> : null}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </Form>
      <FormProblem error={problem} />
    </Modal>
  );
}
