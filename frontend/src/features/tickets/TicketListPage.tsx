import { lazy, Suspense, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, Drawer, Empty, Grid, Input, Select, Skeleton, Typography } from 'antd';
import { FilterOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { ticketTypesQueryOptions } from '@/api/ticketTypes';
import { useAuth } from '@/auth/AuthProvider';
import { ProblemAlert } from '@/components/ProblemAlert';
import { nameMap, useGroups, useStaffUsers, useTicketList } from './api';
import { formatSort, parseSort, refinementCount, SORT_FIELDS, toApiQuery, type ListState, type Sort } from './list/filters';
import { QuickViews } from './list/QuickViews';
import { toRows, type NameMaps } from './list/rows';
import { useListState } from './list/useListState';
import styles from './list/TicketList.module.css';

// The list itself and the filter controls load on demand, in parallel with the first page of
// tickets: this page is in the initial bundle, and antd's Table, Tag and date pickers are large.
// Phones fetch only the cards, wide screens only the table.
const loadTable = () => import('./list/TicketTable');
const loadCards = () => import('./list/TicketCards');
const TicketTable = lazy(async () => ({ default: (await loadTable()).TicketTable }));
const TicketCards = lazy(async () => ({ default: (await loadCards()).TicketCards }));
// Fetch the one this screen shows (antd's md breakpoint) as soon as the page's code runs, so it
// arrives with the first page of tickets instead of one round trip after it.
if (typeof window !== 'undefined' && typeof window.matchMedia === 'function') {
  void (window.matchMedia('(min-width: 768px)').matches ? loadTable() : loadCards()).catch(() => {});
}
const FilterPanel = lazy(() => import('./list/FilterPanel'));

const SEARCH_DELAY_MS = 400;

/** The agent's ticket list: quick views, filters, search and sort, all kept in the URL. */
export function TicketListPage() {
  const { t } = useTranslation(['tickets', 'common']);
  const { can } = useAuth();
  const navigate = useNavigate();
  const { state, context, selectView, update, reset } = useListState();
  const query = useMemo(() => toApiQuery(state.filters), [state.filters]);
  const list = useTicketList(query);
  const names = useNameMaps();
  const latestRows = useMemo(() => toRows(list.data?.pages, names), [list.data, names]);
  // The page and each list of names arrive as store updates, which React renders synchronously: 50 cards
  // or rows in one long task each time, the main thread blocked on a phone. Rendered from a deferred copy,
  // the same work runs as an interruptible background pass that yields to the browser between slices.
  const rows = useDeferredValue(latestRows);
  const catchingUp = rows !== latestRows && rows.length === 0;
  const screens = Grid.useBreakpoint();
  // Unknown until the first layout effect: render neither table nor cards, so the wrong one is never fetched.
  const layoutKnown = Object.keys(screens).length > 0;
  const mobile = !screens.md;
  const [filtersOpen, setFiltersOpen] = useState(false);
  const refinements = refinementCount(state, context);
  const onSortChange = useCallback((sort: Sort) => update({ sort }), [update]);

  const body = () => {
    if (list.isPending || !layoutKnown || catchingUp) {
      return (
        <div className={styles.pending}>
          <Skeleton active paragraph={{ rows: 8 }} aria-busy="true" aria-label={t('common:state.loading')} />
        </div>
      );
    }
    if (list.isError && !list.data) return <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />;
    if (rows.length === 0) {
      return <EmptyList state={state} filtered={refinements > 0} onReset={reset} onShowOpen={() => selectView('open')} />;
    }
    return (
      <div className={list.isPlaceholderData ? styles.busy : undefined} aria-busy={list.isPlaceholderData}>
        <Suspense
          fallback={
            <div className={styles.pending}>
              <Skeleton active paragraph={{ rows: 8 }} />
            </div>
          }
        >
          {mobile ? (
            <TicketCards rows={rows} />
          ) : (
            <TicketTable rows={rows} sort={state.filters.sort} onSortChange={onSortChange} />
          )}
        </Suspense>
        <div className={styles.footer}>
          {list.isFetchNextPageError ? (
            <ProblemAlert error={list.error} onRetry={() => void list.fetchNextPage()} />
          ) : list.hasNextPage ? (
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="load-more">
              {t('common:action.loadMore')}
            </Button>
          ) : null}
          <Typography.Text type="secondary" className={styles.footerNote} aria-live="polite">
            {list.hasNextPage ? t('list.shown', { count: rows.length }) : t('list.allLoaded', { count: rows.length })}
          </Typography.Text>
        </div>
      </div>
    );
  };

  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <Typography.Title level={3} className={styles.title}>
          {t('list.title')}
        </Typography.Title>
        {can('tickets_create') ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/tickets/new')} data-testid="new-ticket">
            {t('list.newTicket')}
          </Button>
        ) : null}
      </div>

      <QuickViews value={state.view} onChange={selectView} />

      <div className={styles.toolbar}>
        <SearchBox value={state.filters.q} onSearch={(q, replace) => update({ q }, replace)} />
        <SortSelect value={state.filters.sort} onChange={onSortChange} />
        {mobile && layoutKnown ? (
          <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen(true)} data-testid="open-filters">
            {refinements > 0 ? t('list.filters.buttonCount', { count: refinements }) : t('list.filters.button')}
          </Button>
        ) : null}
        {refinements > 0 ? (
          <Button type="link" onClick={reset} data-testid="reset-filters">
            {t('list.filters.reset')}
          </Button>
        ) : null}
        {!mobile && layoutKnown ? (
          <>
            {/* The inline panel's controls join this row (display: contents): dates here, the rest on a row below. */}
            <div className={styles.rowBreak} />
            <Suspense fallback={<div className={styles.panelFallback} />}>
              <FilterPanel layout="inline" filters={state.filters} onChange={update} />
            </Suspense>
          </>
        ) : null}
      </div>

      {body()}

      {mobile ? (
        <Drawer
          open={filtersOpen}
          onClose={() => setFiltersOpen(false)}
          title={t('list.filters.title')}
          placement="right"
          size="min(100vw, 380px)"
          footer={
            <div className={styles.toolbar}>
              <Button onClick={reset} disabled={refinements === 0}>
                {t('list.filters.reset')}
              </Button>
              <Button type="primary" onClick={() => setFiltersOpen(false)} data-testid="close-filters">
                {t('list.filters.done')}
              </Button>
            </div>
          }
        >
          <Suspense fallback={<Skeleton active />}>
            <FilterPanel layout="stacked" filters={state.filters} onChange={update} />
          </Suspense>
        </Drawer>
      ) : null}
    </div>
  );
}

/** Names for ids the views do not name themselves: one query per list, one map each. */
function useNameMaps(): NameMaps {
  const types = useQuery(ticketTypesQueryOptions());
  const groups = useGroups();
  const staff = useStaffUsers();
  return useMemo(
    () => ({ types: nameMap(types.data), groups: nameMap(groups.data), users: nameMap(staff.data) }),
    [types.data, groups.data, staff.data],
  );
}

/** Searches as the user types (after a pause) and at once on Enter; follows the URL when it changes. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string, replace: boolean) => void }) {
  const { t } = useTranslation('tickets');
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // Back/forward, reset or a quick view changed the search: show it, unless it is what is being typed.
    setShown(value);
    if (text.trim() !== value) setText(value);
  }
  const latest = useRef(onSearch);
  useEffect(() => {
    latest.current = onSearch;
  });
  useEffect(() => {
    if (text.trim() === value) return undefined;
    const timer = setTimeout(() => latest.current(text, true), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value]);

  return (
    <Input
      className={styles.search}
      type="search"
      allowClear
      prefix={<SearchOutlined aria-hidden />}
      placeholder={t('list.search.placeholder')}
      aria-label={t('list.search.label')}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onPressEnter={() => text.trim() !== value && onSearch(text, false)}
      data-testid="ticket-search"
    />
  );
}

function SortSelect({ value, onChange }: { value: Sort; onChange: (sort: Sort) => void }) {
  const { t } = useTranslation('tickets');
  const options = useMemo(
    () =>
      SORT_FIELDS.flatMap((field) =>
        [true, false].map((desc) => {
          const sort = formatSort({ field, desc });
          return { value: sort, label: t(`list.sort.${field}_${desc ? 'desc' : 'asc'}`) };
        }),
      ),
    [t],
  );
  return (
    <Select
      className={styles.sort}
      aria-label={t('list.sort.label')}
      value={formatSort(value)}
      options={options}
      onChange={(next: string) => {
        const sort = parseSort(next);
        if (sort) onChange(sort);
      }}
      popupMatchSelectWidth={false}
      data-testid="ticket-sort"
    />
  );
}

function EmptyList({
  state,
  filtered,
  onReset,
  onShowOpen,
}: {
  state: ListState;
  filtered: boolean;
  onReset: () => void;
  onShowOpen: () => void;
}) {
  const { t } = useTranslation('tickets');
  const message = filtered ? t('list.empty.filtered') : t(`list.empty.${state.view ?? 'custom'}`);
  return (
    <Empty description={message} data-testid="ticket-list-empty">
      {filtered ? (
        <Button type="primary" onClick={onReset}>
          {t('list.filters.reset')}
        </Button>
      ) : state.view !== 'open' ? (
        <Button onClick={onShowOpen}>{t('list.empty.showAllOpen')}</Button>
      ) : null}
    </Empty>
  );
}
