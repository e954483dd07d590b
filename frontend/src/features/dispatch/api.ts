// Dispatch queries and commands for agents and supervisors: availability, accept / decline,
// claim from the pool, re-route, and the group queues. The admin rule editor has its own hooks.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';
import { useAuth } from '@/auth/AuthProvider';

export type AgentView = Schemas['AgentView'];
export type Availability = Schemas['Availability'];
export type GroupQueueView = Schemas['GroupQueueView'];
export type TicketView = Schemas['TicketView'];

export const AVAILABILITIES: readonly Availability[] = ['online', 'away', 'offline'];

export const dispatchKeys = {
  me: ['agents', 'me'] as const,
  agents: (groupId: number | null) => ['agents', 'list', groupId ?? 'all'] as const,
  agent: (id: number) => ['agents', id] as const,
  queues: ['queues'] as const,
  /** Under `tickets`, so every ticket change (which invalidates `tickets`) refreshes the pool too. */
  pool: ['tickets', 'pool'] as const,
};

/** Reports the phone's position (for the nearest-agent strategy); the answer is the caller's profile. */
export function useReportLocation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (position: Schemas['LocationInput']) => unwrap(api.PUT('/api/v1/me/location', { body: position })),
    onSuccess: (agent) => client.setQueryData(dispatchKeys.me, agent),
  });
}

/** One agent's dispatch profile (the admin user drawer); `enabled` false for customers. */
export function useAgent(id: number, enabled = true) {
  return useQuery({
    queryKey: dispatchKeys.agent(id),
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/agents/{id}', { params: { path: { id } } })),
  });
}

/** Capacity and skills (`routing_manage`); 422s name `capacity` and `skills[i].name`. */
export function useUpdateAgent(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['AgentPatch']) => unwrap(api.PATCH('/api/v1/agents/{id}', { params: { path: { id } }, body })),
    onSuccess: (agent) => {
      client.setQueryData(dispatchKeys.agent(id), agent);
      void client.invalidateQueries({ queryKey: ['agents', 'list'] });
      void client.invalidateQueries({ queryKey: ['queues'] });
    },
  });
}

/** The caller's own dispatch profile (availability, load); staff only. */
export function useMyAgent() {
  const { user } = useAuth();
  return useQuery({
    queryKey: dispatchKeys.me,
    enabled: user?.kind === 'staff',
    queryFn: () => unwrap(api.GET('/api/v1/me/agent')),
    staleTime: 60_000,
  });
}

export function useSetAvailability() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (availability: Availability) => unwrap(api.PUT('/api/v1/me/availability', { body: { availability } })),
    onSuccess: (agent) => {
      client.setQueryData(dispatchKeys.me, agent);
      void client.invalidateQueries({ queryKey: ['queues'] });
      void client.invalidateQueries({ queryKey: ['agents', 'list'] });
    },
  });
}

/** Agents with their load, optionally only one group's (pickers of the rule editor, queues). */
export function useAgents(groupId: number | null = null, enabled = true) {
  return useQuery({
    queryKey: dispatchKeys.agents(groupId),
    enabled,
    queryFn: () => unwrap(api.GET('/api/v1/agents', { params: { query: groupId !== null ? { group_id: groupId } : {} } })),
    staleTime: 30_000,
  });
}

export function useQueues() {
  return useQuery({
    queryKey: dispatchKeys.queues,
    queryFn: () => unwrap(api.GET('/api/v1/queues')),
    // A supervisor keeps this open on a screen: keep it fresh without a reload.
    refetchInterval: 30_000,
  });
}

/** The claim pool (抢单池): open tickets of the caller's groups that wait for someone to claim them. */
export function usePool() {
  return useQuery({
    queryKey: dispatchKeys.pool,
    queryFn: () => unwrap(api.GET('/api/v1/tickets', { params: { query: { pool: true, limit: 200, sort: '-created_at' } } })),
    refetchInterval: 20_000,
  });
}

/** After a dispatch command: the ticket, its history, every list, the pool and the queues are out of date. */
export function refreshAfterDispatch(client: QueryClient, id: number, view?: TicketView) {
  if (view) client.setQueryData(['ticket', id], view);
  else void client.invalidateQueries({ queryKey: ['ticket', id], exact: true });
  void client.invalidateQueries({ queryKey: ['ticket', id, 'events'] });
  void client.invalidateQueries({ queryKey: ['tickets'] });
  void client.invalidateQueries({ queryKey: ['queues'] });
  void client.invalidateQueries({ queryKey: dispatchKeys.me });
}

export function useAccept(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tickets/{id}/accept', { params: { path: { id } } })),
    onSuccess: (view) => refreshAfterDispatch(client, id, view),
  });
}

/** Declining hands the ticket back to dispatch: the caller may no longer see it (404 then). */
export function useDecline(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST('/api/v1/tickets/{id}/decline', { params: { path: { id } }, body: { reason } })),
    onSuccess: (view) => refreshAfterDispatch(client, id, view),
  });
}

export function useReroute(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (note: string | undefined) =>
      unwrap(api.POST('/api/v1/tickets/{id}/route', { params: { path: { id } }, body: { note: note || null } })),
    onSuccess: (view) => refreshAfterDispatch(client, id, view),
  });
}

/** Claims one pool ticket; a lost race is a 409 whose detail names the winner. Refreshes either way. */
export function useClaim() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.POST('/api/v1/tickets/{id}/claim', { params: { path: { id } } })),
    onSuccess: (view) => refreshAfterDispatch(client, view.id, view),
    onError: (_error, id) => refreshAfterDispatch(client, id),
  });
}
