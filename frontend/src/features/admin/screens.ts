import type { Schemas } from '@/api/client';

/** The admin screens in menu order, each with the permission that opens it. */
export const ADMIN_SCREENS = [
  { path: 'users', permission: 'users_manage', label: 'nav.users' },
  { path: 'groups', permission: 'groups_manage', label: 'nav.groups' },
  { path: 'organizations', permission: 'organizations_manage', label: 'nav.organizations' },
  { path: 'ticket-types', permission: 'ticket_types_manage', label: 'nav.ticketTypes' },
  { path: 'routing-rules', permission: 'routing_manage', label: 'nav.routingRules' },
  { path: 'sla-policies', permission: 'sla_manage', label: 'nav.slaPolicies' },
  { path: 'calendars', permission: 'sla_manage', label: 'nav.calendars' },
  { path: 'channels', permission: 'channels_manage', label: 'nav.channels' },
  { path: 'deliveries', permission: 'channels_manage', label: 'nav.deliveries' },
  { path: 'api-keys', permission: 'api_keys_manage', label: 'nav.apiKeys' },
] as const satisfies readonly { path: string; permission: Schemas['Permission']; label: string }[];

export type AdminScreen = (typeof ADMIN_SCREENS)[number];
