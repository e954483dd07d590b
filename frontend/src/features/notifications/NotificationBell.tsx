import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { App, Dropdown, Skeleton } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { fetchNewestUnread, notificationKeys, useMarkRead, useUnreadCount, type NotificationView } from './api';
import { kindLabel, useNoticeTitle } from './kinds';
import { useLiveNotifications } from './useLiveNotifications';

// The list (and its strings) loads when the bell is first opened: the header is in the initial bundle.
const NotificationList = lazy(async () => ({ default: (await import('./NotificationList')).NotificationList }));

/**
 * The bell in the header: the unread count, kept current by the live stream (or, when that is off,
 * polled every 30 s while the tab is visible), a list on click, and a toast for what arrives while the
 * app is open — one per notification when live, the newest when polling finds the count grown.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const titleOf = useNoticeTitle();
  const { notification } = App.useApp();
  const client = useQueryClient();
  const navigate = useNavigate();
  const markRead = useMarkRead();
  const [open, setOpen] = useState(false);

  const toast = (item: NotificationView) => {
    const key = `ld-notification-${item.id}`;
    const ticketId = item.ticket_id;
    notification.info({
      key,
      title: titleOf(item),
      description: (
        <div className="ld-toast" data-testid="notification-toast" data-kind={item.kind}>
          <span className="ld-notification-kind">{kindLabel(t, item.kind)}</span>
          {item.body ? <span className="ld-notification-body">{item.body}</span> : null}
          {ticketId ? (
            <a
              href={`/tickets/${ticketId}`}
              data-testid="notification-toast-link"
              onClick={(event) => {
                event.preventDefault();
                notification.destroy(key);
                markRead.mutate([item.id]);
                void navigate(`/tickets/${ticketId}`);
              }}
            >
              {t('notifications.openTicket')}
            </a>
          ) : null}
        </div>
      ),
      placement: 'topRight',
      duration: 8,
    });
  };

  const mode = useLiveNotifications(toast);
  const unread = useUnreadCount(true, mode !== 'live');
  const count = unread.data?.unread ?? 0;
  const previous = useRef<number | null>(null);

  useEffect(() => {
    if (unread.data === undefined) return;
    const before = previous.current;
    previous.current = count;
    // Not on the first load (that is old news), only when more arrive; live ones have their own toast.
    if (mode === 'live' || before === null || count <= before) return;
    void client.invalidateQueries({ queryKey: notificationKeys.list });
    fetchNewestUnread().then(
      (page) => {
        const newest = page.items[0];
        notification.info({
          key: 'ld-new-notification',
          title: (newest && titleOf(newest)) ?? t('notifications.newCount', { count: count - before }),
          description: newest?.body,
          placement: 'topRight',
          duration: 6,
        });
      },
      () => undefined,
    );
  }, [unread.data, count, client, notification, t, titleOf, mode]);

  if (unread.isError && !unread.data) return null;
  const label = count > 0 ? t('notifications.labelUnread', { count }) : t('notifications.label');
  return (
    <Dropdown
      trigger={['click']}
      open={open}
      onOpenChange={setOpen}
      placement="bottomRight"
      popupRender={() => (
        <div className="ld-notifications" data-testid="notification-panel">
          <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
            <NotificationList onClose={() => setOpen(false)} />
          </Suspense>
        </div>
      )}
    >
      <button type="button" className="ld-bell" aria-label={label} title={label} data-testid="notification-bell" data-unread={count} data-stream={mode}>
        <BellOutlined aria-hidden />
        {count > 0 ? (
          <span className="ld-bell-count" data-testid="notification-count">
            {count > 99 ? '99+' : count}
          </span>
        ) : null}
      </button>
    </Dropdown>
  );
}
