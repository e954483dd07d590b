import { useId, useMemo, type ReactNode } from 'react';
import { DatePicker, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { ticketTypesQueryOptions } from '@/api/ticketTypes';
import { useAuth } from '@/auth/AuthProvider';
import { useGroups, useStaffUsers } from '../api';
import { PRIORITIES, TICKET_STATUSES, type AssigneeFilter, type ListFilters } from './filters';
import styles from './TicketList.module.css';

export interface FilterPanelProps {
  filters: ListFilters;
  onChange: (patch: Partial<ListFilters>) => void;
  /** `inline`: a row of compact controls (desktop); `stacked`: labelled, full width (the phone drawer). */
  layout: 'inline' | 'stacked';
}

const DAY_FORMAT = 'YYYY-MM-DD';

function summarise(omitted: { label?: ReactNode }[]): ReactNode {
  const [first] = omitted;
  if (!first) return null;
  return omitted.length === 1 ? first.label : (
    <>
      {first.label} +{omitted.length - 1}
    </>
  );
}
const toDay = (value: Dayjs | null | undefined) => (value ? value.format(DAY_FORMAT) : null);

/**
 * Status, priority, type, group, assignee, tags and created dates. Loaded on demand: the date
 * pickers are heavy and the ticket list is in the initial bundle.
 */
export function FilterPanel({ filters, onChange, layout }: FilterPanelProps) {
  const { t } = useTranslation(['tickets', 'common']);
  const { can } = useAuth();
  const id = useId();
  const types = useQuery(ticketTypesQueryOptions());
  const groups = useGroups();
  const staff = useStaffUsers();
  const stacked = layout === 'stacked';

  const statusOptions = useMemo(
    () => TICKET_STATUSES.map((status) => ({ value: status, label: t(`common:status.${status}`) })),
    [t],
  );
  const priorityOptions = useMemo(
    () => PRIORITIES.map((priority) => ({ value: priority, label: t(`common:priority.${priority}`) })),
    [t],
  );
  const typeOptions = useMemo(
    () =>
      [...(types.data ?? [])]
        .sort((a, b) => Number(b.active) - Number(a.active))
        .map((type) => ({
          value: type.id,
          label: type.active ? type.name : t('list.filters.inactive', { name: type.name }),
        })),
    [types.data, t],
  );
  const groupOptions = useMemo(
    () => (groups.data ?? []).map((group) => ({ value: group.id, label: group.name })),
    [groups.data],
  );
  const assigneeOptions = useMemo(() => {
    const people = [...(staff.data ?? [])]
      .sort((a, b) => Number(b.active) - Number(a.active))
      .map((user) => ({
        value: String(user.id),
        label: user.active ? user.name : t('list.filters.inactive', { name: user.name }),
      }));
    return [
      { value: 'me', label: t('list.filters.assigneeMe') },
      { value: 'none', label: t('list.filters.assigneeNone') },
      ...people,
    ];
  }, [staff.data, t]);

  const common = {
    className: styles.control,
    allowClear: true,
    // Inline, a multiple choice reads "New +3" so the row stays one line; the drawer shows every tag.
    ...(stacked ? {} : { maxTagCount: 0, maxTagPlaceholder: summarise }),
    showSearch: { optionFilterProp: 'label' as const },
    placeholder: t('list.filters.any'),
  };

  /** A labelled control in the drawer; in the inline row the placeholder and aria-label name it. */
  const field = (key: string, label: string, control: (props: { id: string; 'aria-label'?: string; prefix?: ReactNode }) => ReactNode) =>
    stacked ? (
      <div key={key} className={styles.field}>
        <label htmlFor={`${id}-${key}`} className={styles.fieldLabel}>
          {label}
        </label>
        {control({ id: `${id}-${key}` })}
      </div>
    ) : (
      <span key={key} className={key === 'created' ? styles.range : styles.control}>
        {control({ id: `${id}-${key}`, 'aria-label': label, prefix: <span className={styles.prefix}>{label}</span> })}
      </span>
    );

  const assigneeValue = filters.assignee === null ? undefined : String(filters.assignee);

  return (
    <div className={stacked ? styles.stackedPanel : styles.inlinePanel} data-testid="ticket-filters">
      {field('status', t('list.filters.status'), (props) => (
        <Select
          {...common}
          {...props}
          mode="multiple"
          options={statusOptions}
          value={filters.status}
          onChange={(status) => onChange({ status })}
          style={{ width: '100%' }}
        />
      ))}
      {field('priority', t('list.filters.priority'), (props) => (
        <Select
          {...common}
          {...props}
          mode="multiple"
          options={priorityOptions}
          value={filters.priority}
          onChange={(priority) => onChange({ priority })}
          style={{ width: '100%' }}
        />
      ))}
      {field('type', t('list.filters.type'), (props) => (
        <Select
          {...common}
          {...props}
          mode="multiple"
          loading={types.isPending}
          options={typeOptions}
          value={filters.typeIds}
          onChange={(typeIds) => onChange({ typeIds })}
          style={{ width: '100%' }}
        />
      ))}
      {can('users_read') || can('groups_manage')
        ? field('group', t('list.filters.group'), (props) => (
            <Select
              {...common}
              {...props}
              mode="multiple"
              loading={groups.isPending}
              options={groupOptions}
              value={filters.groupIds}
              onChange={(groupIds) => onChange({ groupIds })}
              style={{ width: '100%' }}
            />
          ))
        : null}
      {field('assignee', t('list.filters.assignee'), (props) => (
        <Select
          {...common}
          {...props}
          loading={staff.isFetching}
          options={assigneeOptions}
          value={assigneeValue}
          onChange={(value?: string) =>
            onChange({ assignee: value === undefined ? null : (value === 'me' || value === 'none' ? value : Number(value)) as AssigneeFilter })
          }
          style={{ width: '100%' }}
        />
      ))}
      {field('tag', t('list.filters.tag'), (props) => (
        <Select
          {...common}
          {...props}
          mode="tags"
          open={false}
          suffixIcon={null}
          placeholder={t('list.filters.tagPlaceholder')}
          tokenSeparators={[',', '，', ' ']}
          value={filters.tags}
          onChange={(tags: string[]) => onChange({ tags: [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))] })}
          style={{ width: '100%' }}
        />
      ))}
      {stacked ? (
        <>
          {field('createdFrom', t('list.filters.createdFromLabel'), (props) => (
            <DatePicker
              {...props}
              className={styles.control}
              value={filters.createdFrom ? dayjs(filters.createdFrom) : null}
              onChange={(value: Dayjs | null) => onChange({ createdFrom: toDay(value) })}
              maxDate={filters.createdTo ? dayjs(filters.createdTo) : undefined}
              inputReadOnly
            />
          ))}
          {field('createdTo', t('list.filters.createdToLabel'), (props) => (
            <DatePicker
              {...props}
              className={styles.control}
              value={filters.createdTo ? dayjs(filters.createdTo) : null}
              onChange={(value: Dayjs | null) => onChange({ createdTo: toDay(value) })}
              minDate={filters.createdFrom ? dayjs(filters.createdFrom) : undefined}
              inputReadOnly
            />
          ))}
        </>
      ) : (
        field('created', t('list.filters.created'), (props) => (
          <DatePicker.RangePicker
            id={{ start: props.id }}
            aria-label={props['aria-label']}
            prefix={props.prefix}
            style={{ width: '100%' }}
            allowEmpty={[true, true]}
            placeholder={[t('list.filters.createdFrom'), t('list.filters.createdTo')]}
            value={[filters.createdFrom ? dayjs(filters.createdFrom) : null, filters.createdTo ? dayjs(filters.createdTo) : null]}
            onChange={(range) => onChange({ createdFrom: toDay(range?.[0]), createdTo: toDay(range?.[1]) })}
          />
        ))
      )}
    </div>
  );
}

export default FilterPanel;
