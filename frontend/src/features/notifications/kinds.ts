import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';

export type NotifyKind = Schemas['NotifyKind'];

/** Every kind of notification, in the order the preferences page lists them. */
export const NOTIFY_KINDS = [
  'ticket_assigned',
  'ticket_escalated',
  'mentioned',
  'ticket_updated',
  'ticket_replied',
  'sla_warning',
  'sla_breached',
] as const satisfies readonly NotifyKind[];

export function isNotifyKind(kind: string): kind is NotifyKind {
  return (NOTIFY_KINDS as readonly string[]).includes(kind);
}

type Translate = (key: 'notifications.kind.ticket_assigned', options: { defaultValue: string }) => string;

/** The kind's name in the UI language (`t` of the common namespace); a kind without a label shows as sent. */
export function kindLabel(t: Translate, kind: string): string {
  // Kinds the server may add later have no typed key yet: looked up by name, with the kind as the fallback.
  return t(`notifications.kind.${kind}` as 'notifications.kind.ticket_assigned', { defaultValue: kind });
}

/** Known kinds in their order, then any others the server sent. */
export function orderKinds(kinds: readonly string[]): string[] {
  const known = NOTIFY_KINDS.filter((kind) => kinds.includes(kind));
  return [...known, ...kinds.filter((kind) => !isNotifyKind(kind))];
}

type Notification = Pick<Schemas['NotificationView'], 'kind' | 'title' | 'params'>;

/** `noticeTitle` in the UI language. */
export function useNoticeTitle(): (item: Notification) => string {
  const { t } = useTranslation();
  return useCallback(
    // Keys are built from the kind the server sent: looked up by name, like kindLabel's.
    (item) => noticeTitle((key, options) => String(t(key as 'notifications.title', options)), item),
    [t],
  );
}

/** What a notification says, from its kind and parameters, by `t` of the common namespace. A kind this version
 * does not know shows the title the server wrote in the user's language. */
export function noticeTitle(t: (key: string, options: Record<string, unknown>) => string, item: Notification): string {
  const p = item.params ?? {};
  const number = p.ticket_number ?? '';
  const say = (key: string, values: Record<string, unknown> = {}) =>
    t(`notifications.text.${key}`, { number, defaultValue: item.title, ...values }).trim();
  switch (item.kind) {
    case 'ticket_assigned':
    case 'ticket_escalated':
    case 'mentioned':
      return say(item.kind);
    case 'sla_warning':
    case 'sla_breached':
      return say(item.kind, {
        metric: t(`notifications.text.metric.${p.sla_metric ?? 'resolution'}`, {}),
        minutes: p.target_minutes ?? 0,
      });
    case 'ticket_updated':
    case 'ticket_replied':
      if (p.update === 'status' && p.status) return say('status', { status: t(`status.${p.status}`, {}) });
      if (p.update === 'internal_note') return say('internal_note');
      if (p.update === 'reply') return say('reply');
      return item.title;
    case 'daily_digest':
      return say('daily_digest', { due: p.due ?? 0, overdue: p.overdue ?? 0, groups: p.group_overdue ?? 0 });
    default:
      return item.title;
  }
}
