import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

type RuleView = Schemas['RoutingRuleView'];
type RuleInput = Schemas['RoutingRuleInput'];

export const routingKeys = {
  rules: ['admin', 'routing-rules'] as const,
  rule: (id: number) => ['admin', 'routing-rules', id] as const,
};

/** Every rule, in evaluation order. */
export function useRoutingRules() {
  return useQuery({ queryKey: routingKeys.rules, queryFn: () => unwrap(api.GET('/api/v1/routing-rules')) });
}

export function useRoutingRule(id: number | null) {
  return useQuery({
    queryKey: routingKeys.rule(id ?? 0),
    enabled: id !== null,
    queryFn: () => unwrap(api.GET('/api/v1/routing-rules/{id}', { params: { path: { id: id ?? 0 } } })),
  });
}

/** Creates (id null) or replaces a rule; the list and the rule's own entry follow. */
export function useSaveRule(id: number | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RuleInput) =>
      id === null
        ? unwrap(api.POST('/api/v1/routing-rules', { body }))
        : unwrap(api.PUT('/api/v1/routing-rules/{id}', { params: { path: { id } }, body })),
    onSuccess: (rule) => {
      client.setQueryData(routingKeys.rule(rule.id), rule);
      void client.invalidateQueries({ queryKey: routingKeys.rules, exact: true });
    },
  });
}

export function useDeleteRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/routing-rules/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: routingKeys.rules }),
  });
}

/** A new order, shown at once; put back as it was when the server refuses it. */
export function useReorderRules() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rules: RuleView[]) => unwrap(api.POST('/api/v1/routing-rules/order', { body: { rule_ids: rules.map((r) => r.id) } })),
    onMutate: async (rules) => {
      await client.cancelQueries({ queryKey: routingKeys.rules, exact: true });
      const previous = client.getQueryData<RuleView[]>(routingKeys.rules);
      client.setQueryData(routingKeys.rules, rules);
      return { previous };
    },
    onError: (_error, _rules, context) => {
      if (context?.previous) client.setQueryData(routingKeys.rules, context.previous);
    },
    onSuccess: (rules) => client.setQueryData(routingKeys.rules, rules),
  });
}

export function useTestRouting() {
  return useMutation({
    mutationFn: (body: Schemas['RoutingTestInput']) => unwrap(api.POST('/api/v1/routing-rules/test', { body })),
  });
}
