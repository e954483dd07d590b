import type { ReactNode } from 'react';
import { Empty, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from './ProblemAlert';

/** What QueryState reads of a query: plain and infinite TanStack queries both fit. */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * Loading, error and empty states for one query, so every screen shows them the same way.
 * `isEmpty` decides what "no data" means for this screen.
 */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (query.isPending) return <Skeleton active aria-busy="true" aria-label={t('state.loading')} />;
  if (query.isError) return <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />;
  // Neither pending nor failed: TanStack Query guarantees the data is there.
  const data = query.data as T;
  if (isEmpty?.(data)) return <>{empty ?? <Empty description={t('state.empty')} />}</>;
  return <>{children(data)}</>;
}
