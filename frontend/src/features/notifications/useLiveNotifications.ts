import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useAuth } from '@/auth/AuthProvider';
import { getAccessToken } from '@/auth/session';
import { addArrived, notificationKeys, probeStream, type NotificationView } from './api';
import { startNotificationStream, type StreamMode } from './stream';

/**
 * Keeps the signed-in user's live stream open: the unread count and the cached list follow it, and
 * `onArrived` hears of each new notification (for a toast). Stops at sign-out. Returns the stream's mode:
 * the caller polls the count unless it is `live`.
 */
export function useLiveNotifications(onArrived: (notification: NotificationView) => void): StreamMode {
  const client = useQueryClient();
  const { user } = useAuth();
  const userId = user?.id ?? null;
  const [mode, setMode] = useState<StreamMode>('connecting');
  const arrived = useRef(onArrived);
  useEffect(() => {
    arrived.current = onArrived;
  });

  useEffect(() => {
    if (userId === null) return undefined;
    return startNotificationStream(
      {
        onReady: (unread, reconnected) => {
          client.setQueryData(notificationKeys.unread, { unread });
          // Whatever came while the stream was down is in the list only after a reload.
          if (reconnected) void client.invalidateQueries({ queryKey: notificationKeys.list });
        },
        onNotification: (notification) => {
          addArrived(client, notification);
          arrived.current(notification);
        },
        onResync: () => void client.invalidateQueries({ queryKey: notificationKeys.all }),
        onMode: setMode,
      },
      { token: getAccessToken, probe: probeStream },
    );
  }, [client, userId]);

  return userId === null ? 'polling' : mode;
}
