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

/** The kind's name in the UI language; a kind this build does not know shows as sent. */
export function kindLabel(t: (key: `notifications.kind.${NotifyKind}`) => string, kind: string): string {
  return isNotifyKind(kind) ? t(`notifications.kind.${kind}`) : kind;
}
