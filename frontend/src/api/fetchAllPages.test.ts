import { describe, expect, it, vi } from 'vitest';
import { fetchAllPages } from './client';

describe('fetchAllPages', () => {
  it('follows next_cursor to the last page, in order', async () => {
    const pages: Record<string, { items: number[]; next_cursor?: string | null }> = {
      start: { items: [1, 2], next_cursor: 'b' },
      b: { items: [3], next_cursor: 'c' },
      c: { items: [4], next_cursor: null },
    };
    const fetchPage = vi.fn(async (cursor: string | undefined) => pages[cursor ?? 'start']!);
    await expect(fetchAllPages(fetchPage)).resolves.toEqual([1, 2, 3, 4]);
    expect(fetchPage.mock.calls.map(([cursor]) => cursor)).toEqual([undefined, 'b', 'c']);
  });

  it('stops after maxPages when the cursor never ends', async () => {
    const fetchPage = vi.fn(async () => ({ items: ['x'], next_cursor: 'again' }));
    await expect(fetchAllPages(fetchPage, { maxPages: 3 })).resolves.toEqual(['x', 'x', 'x']);
    expect(fetchPage).toHaveBeenCalledTimes(3);
  });
});
