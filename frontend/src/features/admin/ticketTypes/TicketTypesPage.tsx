import { useState, type HTMLAttributes } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button, Empty, Segmented, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import type { Schemas } from '@/api/client';
import { ticketTypesQueryOptions } from '@/api/ticketTypes';
import { QueryState } from '@/components/QueryState';
import { PriorityTag } from '@/components/tags';
import { useGroups } from '../adminApi';
import { isInteractive, ScreenHeader, useIsPhone } from '../components';
import { groupPath } from '../groups/groupTree';
import styles from '../admin.module.css';

type TicketType = Schemas['TicketTypeView'];
type Show = 'active' | 'inactive' | 'all';

export function TicketTypesPage() {
  const { t } = useTranslation(['admin', 'common']);
  const phone = useIsPhone();
  const navigate = useNavigate();
  // The admin screens refetch on every visit (staleTime 0).
  const types = useQuery({ ...ticketTypesQueryOptions(), staleTime: 0 });
  const groups = useGroups();
  const [show, setShow] = useState<Show>('active');

  const all = types.data ?? [];
  const activeCount = all.filter((type) => type.active).length;
  const shown = all
    .filter((type) => show === 'all' || type.active === (show === 'active'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const groupName = (id: number | null | undefined) =>
    id == null ? null : groups.data ? groupPath(groups.data, id) || `#${id}` : `#${id}`;

  const statusTag = (type: TicketType) =>
    type.active ? <Tag color="green">{t('ticketTypes.active')}</Tag> : <Tag>{t('ticketTypes.inactive')}</Tag>;

  const columns: TableColumnsType<TicketType> = [
    {
      key: 'name',
      title: t('ticketTypes.name'),
      render: (_, type) => (
        <div>
          <Link to={`/admin/ticket-types/${type.id}`}>
            <Typography.Text strong>{type.name}</Typography.Text>
          </Link>
          {type.description ? <span className={styles.secondary}>{type.description}</span> : null}
          {phone ? (
            <div className={styles.rowMeta}>
              {type.active ? null : statusTag(type)}
              <PriorityTag priority={type.default_priority} />
              <Tag>{t('ticketTypes.fieldCount', { count: type.fields.length })}</Tag>
            </div>
          ) : null}
        </div>
      ),
    },
    {
      key: 'fields',
      title: t('ticketTypes.fields'),
      responsive: ['md'],
      render: (_, type) => t('ticketTypes.fieldCount', { count: type.fields.length }),
    },
    {
      key: 'priority',
      title: t('ticketTypes.defaultPriority'),
      responsive: ['lg'],
      render: (_, type) => <PriorityTag priority={type.default_priority} />,
    },
    {
      key: 'group',
      title: t('ticketTypes.defaultGroup'),
      responsive: ['lg'],
      render: (_, type) => groupName(type.default_group_id) ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    { key: 'status', title: t('ticketTypes.status'), responsive: ['md'], render: (_, type) => statusTag(type) },
    {
      key: 'actions',
      title: <span className={styles.visuallyHidden}>{t('actions')}</span>,
      align: 'right',
      render: (_, type) => (
        <Button
          size="small"
          onClick={() => void navigate(`/admin/ticket-types/${type.id}`)}
          aria-label={t('ticketTypes.editNamed', { name: type.name })}
        >
          {t('common:action.edit')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <ScreenHeader
        title={t('ticketTypes.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/admin/ticket-types/new')}>
            {t('ticketTypes.new')}
          </Button>
        }
      >
        <div className={styles.filters}>
          <Segmented<Show>
            aria-label={t('ticketTypes.show')}
            value={show}
            onChange={setShow}
            options={[
              { value: 'active', label: t('ticketTypes.showActive', { count: activeCount }) },
              { value: 'inactive', label: t('ticketTypes.showInactive', { count: all.length - activeCount }) },
              { value: 'all', label: t('ticketTypes.showAll', { count: all.length }) },
            ]}
          />
        </div>
      </ScreenHeader>
      <QueryState query={types}>
        {() => (
          <Table<TicketType>
            rowKey="id"
            size={phone ? 'small' : 'middle'}
            columns={columns}
            dataSource={shown}
            pagination={false}
            rowClassName={styles.clickable}
            onRow={(type) =>
              ({
                'data-testid': 'ticket-type-row',
                'data-name': type.name,
                'data-active': String(type.active),
                // The whole row opens the type; the link and button inside stay the keyboard path.
                onClick: (event) => {
                  if (!isInteractive(event.target)) void navigate(`/admin/ticket-types/${type.id}`);
                },
              }) as HTMLAttributes<HTMLElement>
            }
            locale={{
              emptyText: (
                <Empty description={show === 'inactive' ? t('ticketTypes.noInactive') : t('ticketTypes.empty')} />
              ),
            }}
          />
        )}
      </QueryState>
    </>
  );
}
