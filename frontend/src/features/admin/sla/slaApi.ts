import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

export type CalendarView = Schemas['CalendarView'];
export type CalendarInput = Schemas['CalendarInput'];
export type PolicyView = Schemas['SlaPolicyView'];
export type PolicyInput = Schemas['SlaPolicyInput'];

export const slaKeys = {
  calendars: ['admin', 'calendars'] as const,
  calendar: (id: number) => ['admin', 'calendars', id] as const,
  policies: ['admin', 'sla-policies'] as const,
  policy: (id: number) => ['admin', 'sla-policies', id] as const,
};

export function useCalendars() {
  return useQuery({ queryKey: slaKeys.calendars, queryFn: () => unwrap(api.GET('/api/v1/calendars')) });
}

export function useCalendar(id: number | null) {
  return useQuery({
    queryKey: slaKeys.calendar(id ?? 0),
    enabled: id !== null,
    queryFn: () => unwrap(api.GET('/api/v1/calendars/{id}', { params: { path: { id: id ?? 0 } } })),
  });
}

function useCalendarSaved() {
  const client = useQueryClient();
  return (calendar: CalendarView) => {
    client.setQueryData(slaKeys.calendar(calendar.id), calendar);
    void client.invalidateQueries({ queryKey: slaKeys.calendars, exact: true });
  };
}

/** Creates (id null) or replaces a calendar. */
export function useSaveCalendar(id: number | null) {
  const saved = useCalendarSaved();
  return useMutation({
    mutationFn: (body: CalendarInput) =>
      id === null
        ? unwrap(api.POST('/api/v1/calendars', { body }))
        : unwrap(api.PUT('/api/v1/calendars/{id}', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

/** Imports holidays and make-up days (CSV or JSON text); 422 errors under `text` name their line. */
export function useImportHolidays(id: number) {
  const saved = useCalendarSaved();
  return useMutation({
    mutationFn: (body: Schemas['HolidayImportInput']) =>
      unwrap(api.POST('/api/v1/calendars/{id}/import', { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

export function useDeleteCalendar() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/calendars/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: slaKeys.calendars }),
  });
}

export function usePolicies() {
  return useQuery({ queryKey: slaKeys.policies, queryFn: () => unwrap(api.GET('/api/v1/sla-policies')) });
}

export function usePolicy(id: number | null) {
  return useQuery({
    queryKey: slaKeys.policy(id ?? 0),
    enabled: id !== null,
    queryFn: () => unwrap(api.GET('/api/v1/sla-policies/{id}', { params: { path: { id: id ?? 0 } } })),
  });
}

export function useSavePolicy(id: number | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PolicyInput) =>
      id === null
        ? unwrap(api.POST('/api/v1/sla-policies', { body }))
        : unwrap(api.PUT('/api/v1/sla-policies/{id}', { params: { path: { id } }, body })),
    onSuccess: (policy) => {
      client.setQueryData(slaKeys.policy(policy.id), policy);
      void client.invalidateQueries({ queryKey: slaKeys.policies, exact: true });
    },
  });
}

export function useDeletePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/sla-policies/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: slaKeys.policies }),
  });
}

/**
 * Moves a policy one place up or down. There is no order endpoint: the two policies swap their
 * positions with two PUTs (the list refreshes after both).
 */
export function useSwapPolicies() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ([a, b]: [PolicyView, PolicyView]) => {
      const put = (policy: PolicyView, position: number) =>
        unwrap(api.PUT('/api/v1/sla-policies/{id}', { params: { path: { id: policy.id } }, body: { ...policyViewToInput(policy), position } }));
      // Distinct positions even when both were equal.
      const [low, high] = a.position === b.position ? [a.position, a.position + 1] : [a.position, b.position];
      await put(a, high);
      await put(b, low);
    },
    onSettled: () => void client.invalidateQueries({ queryKey: slaKeys.policies }),
  });
}

export function policyViewToInput(policy: PolicyView): PolicyInput {
  return {
    name: policy.name,
    enabled: policy.enabled,
    conditions: policy.conditions,
    targets: policy.targets,
    calendar_id: policy.calendar_id ?? null,
    warn_at_percent: policy.warn_at_percent,
    breach_actions: policy.breach_actions,
    position: policy.position,
  };
}
