import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useCurrentUser } from '@/auth/AuthProvider';
import {
  parseSearchParams,
  resetFilters,
  toSearchParams,
  updateFilters,
  viewState,
  type ListFilters,
  type ListState,
  type QuickView,
  type ViewContext,
} from './filters';

/** The list state read from and written to the URL (useSearchParams). */
export function useListState() {
  const [params, setParams] = useSearchParams();
  const user = useCurrentUser();
  // Keyed by value: a refreshed user object with the same groups must not change the query.
  const groupKey = user.group_ids.join(',');
  const context = useMemo<ViewContext>(() => ({ groupIds: groupKey ? groupKey.split(',').map(Number) : [] }), [groupKey]);
  const state = useMemo(() => parseSearchParams(params, context), [params, context]);

  const commit = useCallback(
    (next: ListState, replace = false) => setParams(toSearchParams(next, context), { replace }),
    [setParams, context],
  );

  return {
    state,
    context,
    selectView: useCallback((view: QuickView) => commit(viewState(view, context)), [commit, context]),
    /** `replace` for typing (the search box), so Back does not step through every keystroke. */
    update: useCallback(
      (patch: Partial<ListFilters>, replace = false) => commit(updateFilters(state, patch, context), replace),
      [commit, state, context],
    ),
    reset: useCallback(() => commit(resetFilters(state, context)), [commit, state, context]),
  };
}
