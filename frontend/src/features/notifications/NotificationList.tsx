import { Button, Empty } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '@/components/ProblemAlert';
import { TimeText } from '@/components/TimeText';
import { useMarkRead, useNotifications, type NotificationView } from './api';
import { kindLabel, useNoticeTitle } from './kinds';

/** The bell's list: newest first; a click opens the ticket and marks it read; "mark all read". */
export function NotificationList({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const titleOf = useNoticeTitle();
  const navigate = useNavigate();
  const list = useNotifications(true);
  const markRead = useMarkRead();
  const items = list.data?.items ?? [];
  const anyUnread = items.some((n) => !n.read);

  const openOne = (item: NotificationView) => {
    if (!item.read) markRead.mutate([item.id]);
    onClose();
    if (item.ticket_id) void navigate(`/tickets/${item.ticket_id}`);
  };

  return (
    <>
      <div className="ld-notifications-head">
        <strong>{t('notifications.title')}</strong>
        <Button
          type="link"
          size="small"
          disabled={!anyUnread}
          loading={markRead.isPending && markRead.variables === null}
          onClick={() => markRead.mutate(null)}
          data-testid="mark-all-read"
        >
          {t('notifications.markAll')}
        </Button>
      </div>
      {list.isPending ? (
        <p className="ld-notifications-empty">{t('state.loading')}</p>
      ) : list.isError ? (
        <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <ul className="ld-notifications-list">
          {items.map((item) => (
            <li key={item.id}>
              <button
                type="button"
                className={`ld-notification ${item.read ? '' : 'ld-notification-unread'} ld-notification-${item.kind}`}
                onClick={() => openOne(item)}
                data-testid="notification-item"
                data-kind={item.kind}
                data-read={item.read}
              >
                <span className="ld-notification-kind">
                  {kindLabel(t, item.kind)}
                </span>
                <span className="ld-notification-title">{titleOf(item)}</span>
                {item.body ? <span className="ld-notification-body">{item.body}</span> : null}
                <span className="ld-notification-time">
                  <TimeText value={item.created_at} plainTooltip />
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
