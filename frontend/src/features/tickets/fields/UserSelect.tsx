import { useMemo, useState } from 'react';
import { InputNumber, Select, Spin, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { ApiProblem } from '@/api/problem';
import { useDebouncedValue } from './useDebouncedValue';

type UserKind = Schemas['UserKind'];

export interface UserOption {
  value: number;
  label: string;
  email?: string;
}

export interface UserSelectProps {
  id?: string;
  value?: number | null;
  onChange?: (value: number | null) => void;
  /** Which users to search: staff for assignees and user fields, customers for requesters. */
  kind: UserKind;
  /** Options always offered first, e.g. the signed-in user. */
  pinned?: UserOption[];
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  status?: '' | 'error' | 'warning';
  'aria-label'?: string;
  'aria-required'?: boolean;
}

/**
 * A searchable select over GET /api/v1/users. Callers without `users_read` (customers) get a
 * plain number input instead, so a form never breaks on a field they may fill but not search.
 */
export function UserSelect({ id, value, onChange, kind, pinned = [], placeholder, allowClear = true, disabled, status, ...aria }: UserSelectProps) {
  const { t } = useTranslation('ticketForm');
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim());

  const results = useQuery({
    queryKey: ['users', 'search', kind, q],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { kind, q: q || undefined, active: true, limit: 20 } } })),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });

  const known = useMemo(() => {
    const options = new Map<number, UserOption>();
    for (const option of pinned) options.set(option.value, option);
    for (const user of results.data?.items ?? []) {
      if (!options.has(user.id)) options.set(user.id, { value: user.id, label: user.name, email: user.email });
    }
    return options;
  }, [pinned, results.data]);

  // A value set from outside (a saved ticket) that the search did not return: look its name up.
  const missing = value != null && !known.has(value) ? value : null;
  const selected = useQuery({
    queryKey: ['users', missing],
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id: missing ?? 0 } } })),
    enabled: missing !== null,
    staleTime: 300_000,
  });

  const forbidden = results.error instanceof ApiProblem && results.error.status === 403;
  if (forbidden) {
    return (
      <InputNumber
        id={id}
        value={value ?? null}
        onChange={(next) => onChange?.(typeof next === 'number' ? next : null)}
        min={1}
        precision={0}
        placeholder={t('field.userId')}
        disabled={disabled}
        status={status}
        style={{ width: '100%' }}
        {...aria}
      />
    );
  }

  const options = [...known.values()];
  if (missing !== null) {
    options.push({ value: missing, label: selected.data?.name ?? `#${missing}`, email: selected.data?.email });
  }

  return (
    <Select<number, UserOption>
      id={id}
      value={value ?? undefined}
      onChange={(next) => onChange?.(next ?? null)}
      options={options}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      onOpenChange={(open) => !open && setSearch('')}
      allowClear={allowClear}
      placeholder={placeholder ?? t('field.user')}
      loading={results.isFetching}
      disabled={disabled}
      status={status}
      notFoundContent={results.isFetching ? <Spin size="small" aria-label={t('field.searching')} /> : t('field.noUsers')}
      optionRender={(option) => (
        <span>
          {option.data.label}
          {option.data.email ? (
            <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
              {option.data.email}
            </Typography.Text>
          ) : null}
        </span>
      )}
      style={{ width: '100%' }}
      {...aria}
    />
  );
}
