import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '@/api/client';
import { useAuth } from './AuthProvider';

/** Lets through only a signed-in user of the given kind; others go to login or their own home. */
export function RequireAuth({ kind, children }: { kind: Schemas['UserKind']; children: ReactNode }) {
  const { status, user } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (status === 'restoring') {
    return (
      <div style={{ display: 'grid', placeItems: 'center', minHeight: '60vh' }}>
        <Spin size="large" aria-label={t('state.loading')} />
      </div>
    );
  }
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (user.kind !== kind) return <Navigate to={homeOf(user.kind)} replace />;
  return <>{children}</>;
}

export function homeOf(kind: Schemas['UserKind']): string {
  return kind === 'customer' ? '/portal' : '/tickets';
}
