import { useMemo, useState } from 'react';
import { App, Button, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '@/auth/AuthProvider';
import { ProblemAlert } from '@/components/ProblemAlert';
import { QueryState } from '@/components/QueryState';
import { usePreferences, useSavePreferences, type PreferenceView } from './api';
import { kindLabel, orderKinds, type NotifyKind } from './kinds';
import styles from './notifications.module.css';

type Channel = 'in_app' | 'email';
type Choices = Partial<Record<NotifyKind, Pick<PreferenceView, 'in_app' | 'email'>>>;

/** What customers hear about: replies and status changes on their own requests. */
const CUSTOMER_KINDS: readonly string[] = ['ticket_replied'];

/**
 * The whole list to PUT: every kind the server sent, with the edits applied. All of them are sent, so
 * none silently goes back to the default (the server resets kinds that are left out).
 */
export function mergePreferences(saved: readonly PreferenceView[], edits: Choices): PreferenceView[] {
  const kinds = new Set<NotifyKind>([...saved.map((p) => p.kind), ...(Object.keys(edits) as NotifyKind[])]);
  return [...kinds].map((kind) => {
    const base = saved.find((p) => p.kind === kind) ?? { kind, in_app: true, email: true };
    return { ...base, ...edits[kind], kind };
  });
}

/** Per kind of event, whether it shows in the app and whether it is e-mailed; for staff and customers. */
export function PreferencesPage() {
  const { t } = useTranslation(['notifications', 'common']);
  const { t: tc } = useTranslation();
  const { message } = App.useApp();
  const { user } = useAuth();
  const preferences = usePreferences();
  const save = useSavePreferences();
  const [edits, setEdits] = useState<Choices>({});
  // The kinds the server knows (one entry each), in the order of this page; customers see their own only.
  const serverKinds = orderKinds((preferences.data ?? []).map((p) => p.kind));
  const kinds = (user?.kind === 'customer' ? serverKinds.filter((k) => CUSTOMER_KINDS.includes(k)) : serverKinds) as NotifyKind[];

  const current = useMemo(() => mergePreferences(preferences.data ?? [], edits), [preferences.data, edits]);
  const dirty = (preferences.data ?? []).length > 0
    ? current.some((p) => {
        const saved = preferences.data?.find((s) => s.kind === p.kind);
        return !saved || saved.in_app !== p.in_app || saved.email !== p.email;
      })
    : Object.keys(edits).length > 0;

  const choose = (kind: NotifyKind, channel: Channel, on: boolean) => {
    const now = current.find((p) => p.kind === kind) ?? { kind, in_app: true, email: true };
    setEdits((previous) => ({ ...previous, [kind]: { in_app: now.in_app, email: now.email, [channel]: on } }));
  };

  const allOn = () =>
    setEdits(Object.fromEntries(kinds.map((kind) => [kind, { in_app: true, email: true }])) as Choices);

  const submit = () =>
    save.mutate(current, {
      onSuccess: () => {
        setEdits({});
        void message.success(t('preferences.saved'));
      },
    });

  return (
    <div className={styles.page}>
      <Typography.Title level={3}>{t('preferences.title')}</Typography.Title>
      <Typography.Paragraph className={styles.intro}>{t('preferences.intro')}</Typography.Paragraph>
      <QueryState query={preferences}>
        {() => (
          <>
            <div className={styles.table} role="table" aria-label={t('preferences.title')}>
              <div className={`${styles.row} ${styles.head}`} role="row">
                <span role="columnheader">{t('preferences.kind')}</span>
                <span role="columnheader" className={styles.cell}>
                  {t('preferences.inApp')}
                </span>
                <span role="columnheader" className={styles.cell}>
                  {t('preferences.email')}
                </span>
              </div>
              {kinds.map((kind) => {
                const choice = current.find((p) => p.kind === kind) ?? { kind, in_app: true, email: true };
                const label = kindLabel(tc, kind);
                return (
                  <div key={kind} className={styles.row} role="row" data-testid="preference-row" data-kind={kind}>
                    <span className={styles.label} role="cell">
                      <strong>{label}</strong>
                      <span className={styles.describe}>
                        {t(`preferences.describe.${kind}` as 'preferences.describe.mentioned', { defaultValue: '' })}
                      </span>
                    </span>
                    <span className={styles.cell} role="cell">
                      <Switch
                        checked={choice.in_app}
                        onChange={(on) => choose(kind, 'in_app', on)}
                        aria-label={t('preferences.inAppFor', { kind: label })}
                        data-testid="preference-in-app"
                      />
                    </span>
                    <span className={styles.cell} role="cell">
                      <Switch
                        checked={choice.email}
                        onChange={(on) => choose(kind, 'email', on)}
                        aria-label={t('preferences.emailFor', { kind: label })}
                        data-testid="preference-email"
                      />
                    </span>
                  </div>
                );
              })}
            </div>
            {save.isError ? <ProblemAlert error={save.error} /> : null}
            <div className={styles.footer}>
              <Button type="primary" onClick={submit} disabled={!dirty} loading={save.isPending} data-testid="preferences-save">
                {t('preferences.save')}
              </Button>
              <Button onClick={() => setEdits({})} disabled={!dirty}>
                {t('preferences.reset')}
              </Button>
              <Button type="link" onClick={allOn}>
                {t('preferences.defaults')}
              </Button>
              {dirty ? <Typography.Text type="secondary">{t('preferences.unsaved')}</Typography.Text> : null}
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}
