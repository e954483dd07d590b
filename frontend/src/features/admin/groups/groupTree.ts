import type { Schemas } from '@/api/client';

type Group = Schemas['GroupView'];

export interface GroupNode extends Group {
  /** Undefined on leaves, so antd's Table shows no expand button there. */
  children?: GroupNode[];
  depth: number;
}

/**
 * Nests groups under their parents, siblings by name. A group whose parent is missing (or a
 * cycle the API should never produce) becomes a root, so nothing disappears from the list.
 */
export function buildGroupTree(groups: Group[]): GroupNode[] {
  const ids = new Set(groups.map((g) => g.id));
  const childrenOf = new Map<number | null, Group[]>();
  for (const group of groups) {
    const parent = group.parent_id != null && ids.has(group.parent_id) && group.parent_id !== group.id ? group.parent_id : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), group]);
  }
  const placed = new Set<number>();
  const build = (parent: number | null, depth: number): GroupNode[] =>
    (childrenOf.get(parent) ?? [])
      .filter((g) => !placed.has(g.id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((group) => {
        placed.add(group.id);
        const children = build(group.id, depth + 1);
        return { ...group, depth, children: children.length > 0 ? children : undefined };
      });
  const roots = build(null, 0);
  // Groups caught in a cycle were never reached from a root: show them at the top level.
  const stranded = groups.filter((g) => !placed.has(g.id));
  return [...roots, ...stranded.map((group) => ({ ...group, depth: 0, children: undefined }))];
}

/** Depth-first order of the tree, for indented pickers. */
export function flattenTree(nodes: GroupNode[]): GroupNode[] {
  return nodes.flatMap((node) => [node, ...flattenTree(node.children ?? [])]);
}

/** "客服中心 / 售后一组": the names from the root down to the group. */
export function groupPath(groups: Group[], id: number): string {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const names: string[] = [];
  const seen = new Set<number>();
  let current = byId.get(id);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    names.unshift(current.name);
    current = current.parent_id != null ? byId.get(current.parent_id) : undefined;
  }
  return names.join(' / ');
}

/** The group and everything under it: none of these may become its parent. */
export function selfAndDescendants(groups: Group[], id: number): Set<number> {
  const result = new Set<number>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const group of groups) {
      if (group.parent_id != null && result.has(group.parent_id) && !result.has(group.id)) {
        result.add(group.id);
        grew = true;
      }
    }
  }
  return result;
}
