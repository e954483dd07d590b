import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';

/** Shows an API problem's title and detail (or a network message), with an optional retry. */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const problem = error instanceof ApiProblem ? error : null;
  const title = problem ? (problem.status === 0 ? t('state.network') : problem.title) : t('state.error');
  const detail = problem && problem.status !== 0 ? problem.detail : error instanceof Error && !problem ? error.message : '';
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title}
      description={detail || undefined}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('action.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
