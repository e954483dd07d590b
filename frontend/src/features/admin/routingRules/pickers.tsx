import { createContext, useContext, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '@/api/client';
import { ticketTypesQueryOptions } from '@/api/ticketTypes';
import { useAgents } from '@/features/dispatch';
import { useAllOrganizations, useGroups } from '../adminApi';
import { buildGroupTree, flattenTree, groupPath } from '../groups/groupTree';

type FieldDefinition = Schemas['FieldDefinition'];

/** A custom field as the pickers offer it: its definition and the types that have it. */
export interface FieldChoice {
  definition: FieldDefinition;
  typeNames: string[];
}

/** The reference data the rule editor and its test box pick from, loaded once per page. */
export interface RulePickers {
  loading: boolean;
  groupOptions: { value: number; label: string }[];
  typeOptions: { value: number; label: string }[];
  organizationOptions: { value: number; label: string; tier: string | null }[];
  agentOptions: { value: number; label: string }[];
  tierOptions: { value: string }[];
  skillNames: string[];
  types: Schemas['TicketTypeView'][];
  /** Fields of the given types (of every type when none is given), each key once. */
  fieldsOf: (typeIds: readonly number[]) => FieldChoice[];
  /** Field key → kind over every type, to type the values of custom-field conditions. */
  fieldKinds: Record<string, Schemas['FieldKind']>;
}

export function useLoadPickers(): RulePickers {
  const groups = useGroups();
  // The admin screens refetch on every visit (staleTime 0).
  const types = useQuery({ ...ticketTypesQueryOptions(), staleTime: 0 });
  const organizations = useAllOrganizations();
  const agents = useAgents();
  return useMemo(() => {
    const typeList = types.data ?? [];
    const fieldsOf = (typeIds: readonly number[]) => {
      const chosen = typeIds.length ? typeList.filter((type) => typeIds.includes(type.id)) : typeList;
      const byKey = new Map<string, FieldChoice>();
      for (const type of chosen) {
        for (const definition of type.fields) {
          const entry = byKey.get(definition.key);
          if (entry) entry.typeNames.push(type.name);
          else byKey.set(definition.key, { definition, typeNames: [type.name] });
        }
      }
      return [...byKey.values()];
    };
    const fieldKinds: Record<string, Schemas['FieldKind']> = {};
    for (const type of typeList) for (const field of type.fields) fieldKinds[field.key] ??= field.kind;
    const tiers = new Set(['vip']);
    for (const organization of organizations.data ?? []) if (organization.tier) tiers.add(organization.tier);
    const skills = new Set<string>();
    for (const agent of agents.data ?? []) for (const skill of agent.skills) skills.add(skill.name);
    for (const type of typeList) for (const skill of type.required_skills) skills.add(skill.name);
    return {
      loading: groups.isPending || types.isPending || organizations.isPending || agents.isPending,
      groupOptions: groups.data
        ? flattenTree(buildGroupTree(groups.data)).map((g) => ({ value: g.id, label: groupPath(groups.data, g.id) }))
        : [],
      typeOptions: typeList.map((type) => ({ value: type.id, label: type.name })),
      organizationOptions: (organizations.data ?? []).map((o) => ({ value: o.id, label: o.name, tier: o.tier ?? null })),
      agentOptions: (agents.data ?? []).map((a) => ({ value: a.user_id, label: a.name })),
      tierOptions: [...tiers].map((value) => ({ value })),
      skillNames: [...skills],
      types: typeList,
      fieldsOf,
      fieldKinds,
    };
  }, [groups.data, groups.isPending, types.data, types.isPending, organizations.data, organizations.isPending, agents.data, agents.isPending]);
}

export const PickersContext = createContext<RulePickers | null>(null);

export function usePickers(): RulePickers {
  const pickers = useContext(PickersContext);
  if (!pickers) throw new Error('usePickers outside PickersContext');
  return pickers;
}

/** Any users (requesters are often customers), searched by name or e-mail; chosen ones keep their names. */
export function UserMultiSelect({
  value = [],
  onChange,
  id,
}: {
  value?: number[];
  onChange?: (value: number[]) => void;
  id?: string;
}) {
  const { t } = useTranslation('routing');
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['admin', 'users', 'rule-search', q],
    queryFn: () => unwrap(api.GET('/api/v1/users', { params: { query: { q: q || undefined, limit: 20 } } })),
    placeholderData: (previous) => previous,
  });
  const known = useQuery({
    queryKey: ['admin', 'users', 'by-id', [...value].sort()],
    enabled: value.length > 0,
    queryFn: () =>
      Promise.all(value.map((userId) => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id: userId } } })).catch(() => null))),
    staleTime: 5 * 60_000,
  });
  const names = new Map<number, string>();
  for (const user of known.data ?? []) if (user) names.set(user.id, user.name);
  for (const user of search.data?.items ?? []) names.set(user.id, user.name);
  const options = [
    ...value.filter((userId) => !(search.data?.items ?? []).some((u) => u.id === userId)).map((userId) => ({ value: userId, label: names.get(userId) ?? `#${userId}` })),
    ...(search.data?.items ?? []).map((user) => ({ value: user.id, label: `${user.name} · ${user.email}` })),
  ];
  return (
    <Select<number[]>
      id={id}
      mode="multiple"
      value={value}
      onChange={(next) => onChange?.(next)}
      options={options}
      showSearch={{ onSearch: setQ, filterOption: false }}
      loading={search.isFetching}
      placeholder={t('fields.searchUsers')}
      style={{ width: '100%' }}
    />
  );
}
