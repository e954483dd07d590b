import { lazy, Suspense, type ReactNode } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { Menu, Select, Skeleton } from 'antd';
import {
  ApiOutlined,
  ApartmentOutlined,
  BankOutlined,
  CalendarOutlined,
  FieldTimeOutlined,
  HistoryOutlined,
  NodeIndexOutlined,
  NotificationOutlined,
  ProfileOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';
import { NotFound } from '@/app/NotFound';
import { ADMIN_SCREENS, type AdminScreen } from './screens';
import { Forbidden, useIsPhone } from './components';
import { UsersPage } from './users/UsersPage';
import { GroupsPage } from './groups/GroupsPage';
import { OrganizationsPage } from './organizations/OrganizationsPage';
import { TicketTypesPage } from './ticketTypes/TicketTypesPage';
import { TicketTypeEditPage } from './ticketTypes/TicketTypeEditPage';
import { ApiKeysPage } from './apiKeys/ApiKeysPage';
import styles from './admin.module.css';

// The rule editor is large and used by few: its own chunks, loaded when opened.
const RoutingRulesPage = lazy(async () => ({ default: (await import('./routingRules/RoutingRulesPage')).RoutingRulesPage }));
const RuleEditPage = lazy(async () => ({ default: (await import('./routingRules/RuleEditPage')).RuleEditPage }));
// The SLA screens likewise.
const SlaPoliciesPage = lazy(async () => ({ default: (await import('./sla/SlaPoliciesPage')).SlaPoliciesPage }));
const PolicyEditPage = lazy(async () => ({ default: (await import('./sla/PolicyEditPage')).PolicyEditPage }));
const CalendarsPage = lazy(async () => ({ default: (await import('./sla/CalendarsPage')).CalendarsPage }));
const CalendarEditPage = lazy(async () => ({ default: (await import('./sla/CalendarEditPage')).CalendarEditPage }));
// And the notification channels with their delivery log.
const ChannelsPage = lazy(async () => ({ default: (await import('./channels/ChannelsPage')).ChannelsPage }));
const DeliveriesPage = lazy(async () => ({ default: (await import('./channels/DeliveriesPage')).DeliveriesPage }));

const ICONS: Record<AdminScreen['path'], ReactNode> = {
  users: <TeamOutlined />,
  groups: <ApartmentOutlined />,
  organizations: <BankOutlined />,
  'ticket-types': <ProfileOutlined />,
  'routing-rules': <NodeIndexOutlined />,
  'sla-policies': <FieldTimeOutlined />,
  calendars: <CalendarOutlined />,
  channels: <NotificationOutlined />,
  deliveries: <HistoryOutlined />,
  'api-keys': <ApiOutlined />,
};

/** Renders the screen only for holders of its permission; everyone else gets a 403. */
function RequirePermission({ permission, children }: { permission: Schemas['Permission']; children: ReactNode }) {
  const { can } = useAuth();
  return can(permission) ? <>{children}</> : <Forbidden />;
}

/** Side menu on wide screens; on phones a select at the top, which takes one line. */
function AdminNav({ screens }: { screens: readonly AdminScreen[] }) {
  const { t } = useTranslation();
  const { t: ta } = useTranslation(['admin', 'common']);
  const location = useLocation();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const current = screens.find((s) => location.pathname.startsWith(`/admin/${s.path}`))?.path;

  if (screens.length === 0) return null;
  if (phone) {
    return (
      <nav className={styles.navPhone} aria-label={ta('nav.label')} data-testid="admin-nav">
        <Select
          className={styles.navSelect}
          aria-label={ta('nav.label')}
          value={current}
          onChange={(path: string) => void navigate(`/admin/${path}`)}
          options={screens.map((s) => ({
            value: s.path,
            label: (
              <span>
                {ICONS[s.path]} {t(s.label)}
              </span>
            ),
          }))}
        />
      </nav>
    );
  }
  return (
    <nav className={styles.navSide} aria-label={ta('nav.label')} data-testid="admin-nav">
      <Menu
        mode="inline"
        selectedKeys={current ? [current] : []}
        items={screens.map((s) => ({
          key: s.path,
          icon: ICONS[s.path],
          label: <Link to={`/admin/${s.path}`}>{t(s.label)}</Link>,
        }))}
      />
    </nav>
  );
}

/** The administration area (/admin/*): navigation plus one screen per manageable resource. */
export function AdminRoutes() {
  const { can } = useAuth();
  const screens = ADMIN_SCREENS.filter((s) => can(s.permission));
  const first = screens[0];
  return (
    <div className={styles.layout}>
      <AdminNav screens={screens} />
      <div className={styles.main}>
        <Routes>
          <Route index element={first ? <Navigate to={first.path} replace /> : <Forbidden />} />
          <Route
            path="users"
            element={
              <RequirePermission permission="users_manage">
                <UsersPage />
              </RequirePermission>
            }
          />
          <Route
            path="groups"
            element={
              <RequirePermission permission="groups_manage">
                <GroupsPage />
              </RequirePermission>
            }
          />
          <Route
            path="organizations"
            element={
              <RequirePermission permission="organizations_manage">
                <OrganizationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="ticket-types"
            element={
              <RequirePermission permission="ticket_types_manage">
                <TicketTypesPage />
              </RequirePermission>
            }
          />
          <Route
            path="ticket-types/:id"
            element={
              <RequirePermission permission="ticket_types_manage">
                <TicketTypeEditPage />
              </RequirePermission>
            }
          />
          <Route
            path="routing-rules"
            element={
              <RequirePermission permission="routing_manage">
                <Suspense fallback={<Skeleton active />}>
                  <RoutingRulesPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="routing-rules/:id"
            element={
              <RequirePermission permission="routing_manage">
                <Suspense fallback={<Skeleton active />}>
                  <RuleEditPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="sla-policies"
            element={
              <RequirePermission permission="sla_manage">
                <Suspense fallback={<Skeleton active />}>
                  <SlaPoliciesPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="sla-policies/:id"
            element={
              <RequirePermission permission="sla_manage">
                <Suspense fallback={<Skeleton active />}>
                  <PolicyEditPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="calendars"
            element={
              <RequirePermission permission="sla_manage">
                <Suspense fallback={<Skeleton active />}>
                  <CalendarsPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="calendars/:id"
            element={
              <RequirePermission permission="sla_manage">
                <Suspense fallback={<Skeleton active />}>
                  <CalendarEditPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="channels"
            element={
              <RequirePermission permission="channels_manage">
                <Suspense fallback={<Skeleton active />}>
                  <ChannelsPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="deliveries"
            element={
              <RequirePermission permission="channels_manage">
                <Suspense fallback={<Skeleton active />}>
                  <DeliveriesPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route
            path="api-keys"
            element={
              <RequirePermission permission="api_keys_manage">
                <ApiKeysPage />
              </RequirePermission>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </div>
    </div>
  );
}
