import { describe, expect, it } from 'vitest';
import type { Schemas } from '@/api/client';
import { buildGroupTree, flattenTree, groupPath, selfAndDescendants } from './groupTree';

const group = (id: number, name: string, parent_id: number | null = null): Schemas['GroupView'] => ({
  id,
  name,
  parent_id,
  description: '',
  member_ids: [],
  created_at: '',
  updated_at: '',
});

// 客服中心 > (售后二组, 售后一组 > 华东小队); 技术部; a group whose parent is gone.
const GROUPS = [
  group(1, '客服中心'),
  group(3, '售后二组', 1),
  group(2, '售后一组', 1),
  group(4, '技术部'),
  group(5, '华东小队', 2),
  group(6, 'Orphan', 99),
];

describe('group tree', () => {
  it('nests by parent_id, siblings by name, orphans at the top', () => {
    const names = flattenTree(buildGroupTree(GROUPS)).map((g) => `${'-'.repeat(g.depth)}${g.name}`);
    expect(names).toEqual(['Orphan', '客服中心', '-售后一组', '--华东小队', '-售后二组', '技术部']);
  });

  it('leaves no empty children arrays (no expand button on leaves)', () => {
    const tech = buildGroupTree(GROUPS).find((g) => g.id === 4);
    expect(tech?.children).toBeUndefined();
  });

  it('keeps groups caught in a cycle visible', () => {
    const tree = buildGroupTree([group(1, 'A', 2), group(2, 'B', 1)]);
    expect(flattenTree(tree).map((g) => g.name).sort()).toEqual(['A', 'B']);
  });

  it('names a group by its path', () => {
    expect(groupPath(GROUPS, 5)).toBe('客服中心 / 售后一组 / 华东小队');
  });

  it('finds a group and all its descendants, which cannot become its parent', () => {
    expect([...selfAndDescendants(GROUPS, 1)].sort()).toEqual([1, 2, 3, 5]);
    expect([...selfAndDescendants(GROUPS, 4)]).toEqual([4]);
  });
});
