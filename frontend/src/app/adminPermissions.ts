import type { Schemas } from '@/api/client';

/** Any of these opens the administration area (each admin screen checks its own). */
export const ADMIN_PERMISSIONS: Schemas['Permission'][] = [
  'users_manage',
  'groups_manage',
  'organizations_manage',
  'ticket_types_manage',
  'api_keys_manage',
  'routing_manage',
  'sla_manage',
  'channels_manage',
];
