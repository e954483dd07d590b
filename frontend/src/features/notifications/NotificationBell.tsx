import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { App, Dropdown, Skeleton } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fetchNewestUnread, notificationKeys, useUnreadCount } from './api';

// The list (and its strings) loads when the bell is first opened: the header is in the initial bundle.
const NotificationList = lazy(async () => ({ default: (await import('./NotificationList')).NotificationList }));

/**
 * The bell in the header: the unread count (polled every 30 s while the tab is visible), a list on
 * click, and a toast when the count grows while the app is open.
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const { notification } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const unread = useUnreadCount(true);
  const count = unread.data?.unread ?? 0;
  const previous = useRef<number | null>(null);

  useEffect(() => {
    if (unread.data === undefined) return;
    const before = previous.current;
    previous.current = count;
    // Not on the first load (that is old news), only when more arrive.
    if (before === null || count <= before) return;
    void client.invalidateQueries({ queryKey: notificationKeys.list });
    fetchNewestUnread().then(
      (page) => {
        const newest = page.items[0];
        notification.info({
          key: 'ld-new-notification',
          title: newest?.title ?? t('notifications.newCount', { count: count - before }),
          description: newest?.body,
          placement: 'topRight',
          duration: 6,
        });
      },
      () => undefined,
    );
  }, [unread.data, count, client, notification, t]);

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
      <button type="button" className="ld-bell" aria-label={label} title={label} data-testid="notification-bell" data-unread={count}>
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
