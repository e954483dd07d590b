import { memo, useMemo, type HTMLAttributes, type MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Table, Tag } from 'antd';
import type { ColumnsType, TableProps } from 'antd/es/table';
import type { SortOrder } from 'antd/es/table/interface';
import { useTranslation } from 'react-i18next';
import { SlaBadge } from '@/components/sla/SlaBadge';
import { PRIORITY_COLOR, STATUS_COLOR } from '@/components/tags';
import { TimeText, formatDateTime } from '@/components/TimeText';
import { SORT_FIELDS, type Sort, type SortField } from './filters';
import type { TicketRow } from './rows';
import styles from './TicketList.module.css';

interface Props {
  rows: TicketRow[];
  sort: Sort;
  onSortChange: (sort: Sort) => void;
}

const isSortField = (key: unknown): key is SortField => (SORT_FIELDS as readonly unknown[]).includes(key);

/**
 * Desktop list. Loaded on demand (antd Table is large), so phones never download it.
 * Cells print precomputed strings; the columns are rebuilt only when the language or sort changes.
 */
export const TicketTable = memo(function TicketTable({ rows, sort, onSortChange }: Props) {
  const { t } = useTranslation(['tickets', 'common']);
  const navigate = useNavigate();

  const columns = useMemo<ColumnsType<TicketRow>>(() => {
    const order = (field: SortField): SortOrder => (sort.field === field ? (sort.desc ? 'descend' : 'ascend') : null);
    const sortable = (field: SortField) => ({
      key: field,
      sorter: true,
      sortOrder: order(field),
      // Never a third "unsorted" click: the server always sorts by something.
      sortDirections: ['descend', 'ascend', 'descend'] as SortOrder[],
    });
    return [
      {
        title: t('list.columns.number'),
        dataIndex: 'number',
        width: 112,
        ...sortable('number'),
        render: (number: string, row) => (
          <Link to={`/tickets/${row.id}`} className={styles.number} onClick={(event) => event.stopPropagation()}>
            {number}
          </Link>
        ),
      },
      { title: t('list.columns.subject'), dataIndex: 'subject', ellipsis: true },
      {
        title: t('list.columns.status'),
        dataIndex: 'status',
        width: 104,
        render: (status: TicketRow['status']) => (
          <Tag color={STATUS_COLOR[status]} data-status={status}>
            {t(`common:status.${status}`)}
          </Tag>
        ),
      },
      {
        title: t('list.columns.priority'),
        dataIndex: 'priority',
        width: 96,
        ...sortable('priority'),
        render: (priority: TicketRow['priority']) => (
          <Tag color={PRIORITY_COLOR[priority]} data-priority={priority}>
            {t(`common:priority.${priority}`)}
          </Tag>
        ),
      },
      {
        title: t('list.columns.sla'),
        dataIndex: 'sla',
        width: 150,
        ...sortable('due_at'),
        render: (sla: TicketRow['sla']) => <SlaBadge sla={sla} />,
      },
      { title: t('list.columns.type'), dataIndex: 'typeName', width: 110, ellipsis: true, responsive: ['lg'] },
      { title: t('list.columns.requester'), dataIndex: 'requesterName', width: 110, ellipsis: true, responsive: ['xl'] },
      {
        title: t('list.columns.group'),
        dataIndex: 'groupName',
        width: 120,
        ellipsis: true,
        responsive: ['lg'],
        render: (name: string | null) => name ?? <span className={styles.muted}>{t('list.noGroup')}</span>,
      },
      {
        title: t('list.columns.assignee'),
        dataIndex: 'assigneeName',
        width: 110,
        ellipsis: true,
        render: (name: string | null) => name ?? <span className={styles.muted}>{t('list.unassigned')}</span>,
      },
      {
        title: t('list.columns.updated'),
        dataIndex: 'updatedAt',
        width: 112,
        ...sortable('updated_at'),
        render: (value: string) => <TimeText value={value} plainTooltip />,
      },
      {
        title: t('list.columns.created'),
        dataIndex: 'createdAt',
        width: 140,
        responsive: ['xl'],
        ...sortable('created_at'),
        render: (value: string) => <span className={styles.muted}>{formatDateTime(value)}</span>,
      },
    ];
  }, [t, sort]);

  const onChange: TableProps<TicketRow>['onChange'] = (_pagination, _filters, sorter) => {
    const one = Array.isArray(sorter) ? sorter[0] : sorter;
    if (!one || !isSortField(one.columnKey) || !one.order) return;
    onSortChange({ field: one.columnKey, desc: one.order === 'descend' });
  };

  return (
    <Table<TicketRow>
      className={styles.table}
      data-testid="ticket-list"
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={rows}
      pagination={false}
      showSorterTooltip={false}
      onChange={onChange}
      onRow={(row) =>
        ({
          onClick: (event: MouseEvent) => {
            // Selecting text in a row must not open it.
            if (window.getSelection()?.toString()) return;
            if (event.ctrlKey || event.metaKey) window.open(`/tickets/${row.id}`, '_blank', 'noopener');
            else void navigate(`/tickets/${row.id}`);
          },
          'data-testid': 'ticket-row',
          'data-number': row.number,
        }) as HTMLAttributes<HTMLElement>
      }
    />
  );
});
