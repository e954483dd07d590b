import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, Navigate } from 'react-router-dom';
import { Skeleton } from 'antd';
import { RequireAuth, homeOf } from '@/auth/RequireAuth';
import { useAuth } from '@/auth/AuthProvider';
import { sessionAtStart } from '@/auth/session';
import { prefetchTicketList } from '@/features/tickets/list/prefetch';
import { LoginPage } from '@/features/auth/LoginPage';
import { queryClient } from './queryClient';

/**
 * A route component loaded on first visit: the sign-in page needs none of the screens behind it,
 * and the list none of admin, detail or portal.
 */
function lazyPage<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M, fallback: ReactNode = <Skeleton active />) {
  const Page = lazy(async () => ({ default: (await load())[name] as ComponentType }));
  return function LazyPage() {
    return (
      <Suspense fallback={fallback}>
        <Page />
      </Suspense>
    );
  };
}

const loadAgentLayout = () => import('./AgentLayout');
const loadTicketList = () => import('@/features/tickets/TicketListPage');
const loadPortalLayout = () => import('./PortalLayout');

// Opening the app signed in on the list (or at / , which leads there): fetch the layout and the
// list with the entry instead of after the first render, and the list's first page as soon as the
// resumed session says who this is; the sign-in page fetches none of it.
const startPath = typeof window === 'undefined' ? '/login' : window.location.pathname;
if (startPath === '/' || startPath === '/tickets') {
  void loadAgentLayout();
  void loadTicketList();
  const search = startPath === '/' ? '' : window.location.search;
  void sessionAtStart().then((user) => user && prefetchTicketList(queryClient, user, search));
} else if (startPath.startsWith('/portal')) {
  void loadPortalLayout();
}

const AgentLayout = lazyPage(loadAgentLayout, 'AgentLayout', null);
const PortalLayout = lazyPage(loadPortalLayout, 'PortalLayout', null);
const TicketListPage = lazyPage(loadTicketList, 'TicketListPage');

const NotFound = lazyPage(() => import('./NotFound'), 'NotFound');
const TicketDetailPage = lazyPage(() => import('@/features/tickets/TicketDetailPage'), 'TicketDetailPage');
const CreateTicketPage = lazyPage(() => import('@/features/tickets/CreateTicketPage'), 'CreateTicketPage');
const PoolPage = lazyPage(() => import('@/features/dispatch/PoolPage'), 'PoolPage');
const QueuesPage = lazyPage(() => import('@/features/dispatch/QueuesPage'), 'QueuesPage');
const AdminRoutes = lazyPage(() => import('@/features/admin/AdminRoutes'), 'AdminRoutes');
const PortalTicketsPage = lazyPage(() => import('@/features/portal/PortalTicketsPage'), 'PortalTicketsPage');
const PortalNewTicketPage = lazyPage(() => import('@/features/portal/PortalNewTicketPage'), 'PortalNewTicketPage');
const PortalTicketPage = lazyPage(() => import('@/features/portal/PortalTicketPage'), 'PortalTicketPage');
const PreferencesPage = lazyPage(() => import('@/features/notifications/PreferencesPage'), 'PreferencesPage');

function Staff({ children }: { children: ReactNode }) {
  return <RequireAuth kind="staff">{children}</RequireAuth>;
}

function Home() {
  const { status, user } = useAuth();
  if (status === 'restoring') return <Skeleton active />;
  return <Navigate to={user ? homeOf(user.kind) : '/login'} replace />;
}

export const router = createBrowserRouter([
  { path: '/', element: <Home /> },
  { path: '/login', element: <LoginPage /> },
  {
    element: (
      <Staff>
        <AgentLayout />
      </Staff>
    ),
    children: [
      { path: '/tickets', element: <TicketListPage /> },
      { path: '/tickets/new', element: <CreateTicketPage /> },
      { path: '/tickets/:id', element: <TicketDetailPage /> },
      { path: '/pool', element: <PoolPage /> },
      { path: '/queues', element: <QueuesPage /> },
      { path: '/admin/*', element: <AdminRoutes /> },
      { path: '/settings/notifications', element: <PreferencesPage /> },
    ],
  },
  {
    element: (
      <RequireAuth kind="customer">
        <PortalLayout />
      </RequireAuth>
    ),
    children: [
      { path: '/portal', element: <PortalTicketsPage /> },
      { path: '/portal/new', element: <PortalNewTicketPage /> },
      { path: '/portal/tickets/:id', element: <PortalTicketPage /> },
      { path: '/portal/settings/notifications', element: <PreferencesPage /> },
    ],
  },
  { path: '*', element: <NotFound /> },
]);
