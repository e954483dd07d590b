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
