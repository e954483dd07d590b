import type { ReactNode } from 'react';
import { Alert, Flex, Grid, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '@/api/problem';
import { ProblemAlert } from '@/components/ProblemAlert';
import styles from './admin.module.css';

/** The 403 shown by a screen the user may not manage. */
export function Forbidden() {
  const { t } = useTranslation(['admin', 'common']);
  return <Result status="403" title={t('forbidden.title')} subTitle={t('common:state.forbidden')} />;
}

/** A ProblemAlert that also lists field errors no form item showed (e.g. `body`). */
export function FormProblem({ error }: { error: unknown }) {
  if (!error) return null;
  const entries = error instanceof ApiProblem ? Object.entries(error.errors) : [];
  if (!(error instanceof ApiProblem) || entries.length === 0) return <ProblemAlert error={error} />;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={error.title}
      description={
        <ul className={styles.problemList}>
          {entries.map(([path, messages]) => (
            <li key={path}>
              <Typography.Text code>{path}</Typography.Text> {messages.join('; ')}
            </li>
          ))}
        </ul>
      }
    />
  );
}

/** A screen's title row with its main action; wraps under the title on phones. */
export function ScreenHeader({ title, extra, children }: { title: ReactNode; extra?: ReactNode; children?: ReactNode }) {
  return (
    <div className={styles.screenHeader}>
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Title level={3} className={styles.screenTitle}>
          {title}
        </Typography.Title>
        {extra}
      </Flex>
      {children}
    </div>
  );
}

/** True below antd's md breakpoint (phones), where tables become cards and drawers go full width. */
export function useIsPhone(): boolean {
  const screens = Grid.useBreakpoint();
  return screens.md === false;
}

/** Whether a click landed on a control of its own (so a clickable row should leave it alone). */
export function isInteractive(target: EventTarget): boolean {
  return target instanceof Element && target.closest('a, button, input, label, [role="button"], .ant-select') !== null;
}
