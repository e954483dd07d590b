import type { Schemas } from '@/api/client';
import type { TicketView } from '../api';

/**
 * The display names the API is adding to TicketView. Optional here so the list works against a
 * server that does not send them yet; once generated, the intersection keeps the generated types.
 */
type NamedTicket = TicketView &
  Partial<{
    type_name: string | null;
    requester_name: string | null;
    group_name: string | null;
    assignee_name: string | null;
  }>;

/** One ticket as the list shows it: every name resolved once, so cells only print strings. */
export interface TicketRow {
  id: number;
  number: string;
  subject: string;
  status: Schemas['TicketStatus'];
  priority: Schemas['Priority'];
  typeName: string;
  requesterName: string;
  groupName: string | null;
  assigneeName: string | null;
  updatedAt: string;
  createdAt: string;
  /** The SLA clocks (staff only; null without a policy). */
  sla: Schemas['TicketSlaView'] | null;
}

export interface NameMaps {
  types: ReadonlyMap<number, string>;
  groups: ReadonlyMap<number, string>;
  users: ReadonlyMap<number, string>;
}

const byId = (id: number) => `#${id}`;

export function toRow(ticket: TicketView, names: NameMaps): TicketRow {
  const t = ticket as NamedTicket;
  const groupId = t.group_id ?? null;
  const assigneeId = t.assignee_id ?? null;
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    typeName: t.type_name ?? names.types.get(t.type_id) ?? byId(t.type_id),
    requesterName: t.requester_name ?? names.users.get(t.requester_id) ?? byId(t.requester_id),
    groupName: groupId === null ? null : (t.group_name ?? names.groups.get(groupId) ?? byId(groupId)),
    assigneeName: assigneeId === null ? null : (t.assignee_name ?? names.users.get(assigneeId) ?? byId(assigneeId)),
    updatedAt: t.updated_at,
    createdAt: t.created_at,
    sla: t.sla ?? null,
  };
}

/** Every loaded page as rows; the same ticket on two pages (it moved while paging) appears once. */
export function toRows(pages: readonly { items: readonly TicketView[] }[] | undefined, names: NameMaps): TicketRow[] {
  const seen = new Set<number>();
  const rows: TicketRow[] = [];
  for (const page of pages ?? []) {
    for (const ticket of page.items) {
      if (seen.has(ticket.id)) continue;
      seen.add(ticket.id);
      rows.push(toRow(ticket, names));
    }
  }
  return rows;
}
