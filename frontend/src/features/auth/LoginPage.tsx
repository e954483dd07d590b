import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '@/auth/AuthProvider';
import { homeOf } from '@/auth/RequireAuth';
import { ApiProblem } from '@/api/problem';
import { ProblemAlert } from '@/components/ProblemAlert';
import { LanguageSwitch } from '@/app/LanguageSwitch';
import styles from './LoginPage.module.css';

interface Credentials {
  email: string;
  password: string;
}

type FieldErrors = Partial<Record<keyof Credentials, string>>;

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** Seconds to wait when sign-in was throttled (429 with `retry_after`); null for any other error. */
function throttledFor(error: unknown): number | null {
  if (!(error instanceof ApiProblem) || error.status !== 429) return null;
  const seconds = error.body.retry_after;
  return typeof seconds === 'number' && seconds > 0 ? seconds : 1;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { login, user } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [values, setValues] = useState<Credentials>({ email: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const next = params.get('next');

  if (user) return <Navigate to={safeNext(next) ?? homeOf(user.kind)} replace />;

  // A plain form rather than antd's Form: two fields do not need its validator, and the
  // login route is in the initial bundle.
  const validate = ({ email, password }: Credentials): FieldErrors => ({
    ...(email.trim() === '' ? { email: t('auth.emailRequired') } : EMAIL_SHAPE.test(email.trim()) ? {} : { email: t('auth.emailInvalid') }),
    ...(password === '' ? { password: t('auth.passwordRequired') } : {}),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = validate(values);
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const { email, password } = values;
    setBusy(true);
    setError(null);
    try {
      const signedIn = await login(email.trim(), password);
      navigate(safeNext(next) ?? homeOf(signedIn.kind), { replace: true });
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className={styles.page}>
      <div className={styles.language}>
        <LanguageSwitch />
      </div>
      <section className={styles.card} aria-labelledby="login-title">
        <div className={styles.brand}>{t('app.name')}</div>
        <p className={styles.tagline}>{t('app.tagline')}</p>
        <h1 id="login-title" className={styles.title}>
          {t('auth.title')}
        </h1>
        {error ? (
          <div className={styles.error}>
            {throttledFor(error) !== null ? (
              <Alert
                type="warning"
                showIcon
                role="alert"
                title={t('auth.tooManyTitle')}
                description={t('auth.tooMany', { seconds: throttledFor(error) })}
              />
            ) : (
              <ProblemAlert error={error} />
            )}
          </div>
        ) : null}
        <form onSubmit={submit} noValidate aria-busy={busy}>
          <div className={styles.field}>
            <label htmlFor="email" className={styles.label}>
              {t('auth.email')}
            </label>
            <Input
              id="email"
              name="email"
              autoComplete="username"
              autoFocus
              inputMode="email"
              value={values.email}
              disabled={busy}
              status={fieldErrors.email ? 'error' : undefined}
              aria-invalid={fieldErrors.email ? true : undefined}
              aria-describedby={fieldErrors.email ? 'email-error' : undefined}
              onChange={(e) => setValues((v) => ({ ...v, email: e.target.value }))}
            />
            {fieldErrors.email ? (
              <div id="email-error" role="alert" className={styles.fieldError}>
                {fieldErrors.email}
              </div>
            ) : null}
          </div>
          <div className={styles.field}>
            <label htmlFor="password" className={styles.label}>
              {t('auth.password')}
            </label>
            <Input.Password
              id="password"
              name="password"
              autoComplete="current-password"
              value={values.password}
              disabled={busy}
              status={fieldErrors.password ? 'error' : undefined}
              aria-invalid={fieldErrors.password ? true : undefined}
              aria-describedby={fieldErrors.password ? 'password-error' : undefined}
              onChange={(e) => setValues((v) => ({ ...v, password: e.target.value }))}
            />
            {fieldErrors.password ? (
              <div id="password-error" role="alert" className={styles.fieldError}>
                {fieldErrors.password}
              </div>
            ) : null}
          </div>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('auth.submit')}
          </Button>
        </form>
      </section>
    </main>
  );
}

/** Only same-app paths: `?next=https://evil.example` must not become an open redirect. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}
