import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';

type Permission = Schemas['Permission'];

/** Built-in roles have translated names; custom roles show their own name. */
export function useRoleLabel(): (role: string) => string {
  const { t, i18n } = useTranslation();
  return (role) => (i18n.exists(`common:role.${role}`) ? t(`role.${role}` as 'role.admin') : role);
}

export function usePermissionLabel(): (permission: Permission) => string {
  const { t } = useTranslation(['admin', 'common']);
  return (permission) => t(`permission.${permission}`);
}

/** Permissions a customer may hold (crates/domain/src/policy.rs): anything more is staff-only. */
export const CUSTOMER_PERMISSIONS: readonly Permission[] = ['tickets_read_own', 'tickets_create', 'comments_public'];

export function roleFitsKind(role: Schemas['RoleView'], kind: Schemas['UserKind']): boolean {
  if (kind === 'staff') return role.name !== 'customer';
  return role.permissions.every((p) => CUSTOMER_PERMISSIONS.includes(p));
}
