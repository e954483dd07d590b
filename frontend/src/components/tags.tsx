import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';

type TicketStatus = Schemas['TicketStatus'];
type Priority = Schemas['Priority'];

export const STATUS_COLOR: Record<TicketStatus, string> = {
  new: 'blue',
  assigned: 'cyan',
  in_progress: 'processing',
  pending: 'gold',
  resolved: 'green',
  closed: 'default',
};

export const PRIORITY_COLOR: Record<Priority, string> = {
  low: 'default',
  normal: 'blue',
  high: 'orange',
  urgent: 'red',
};

export function StatusTag({ status }: { status: TicketStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-status={status}>
      {t(`status.${status}`)}
    </Tag>
  );
}

export function PriorityTag({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  return (
    <Tag color={PRIORITY_COLOR[priority]} data-priority={priority}>
      {t(`priority.${priority}`)}
    </Tag>
  );
}
