/** One page of a list endpoint (`Page_*` in the schema). */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** The largest `limit` the list endpoints accept. */
export const MAX_PAGE_LIMIT = 200;

/**
 * Every item of a list endpoint: follows `next_cursor` until the last page. `maxPages` is only a
 * safety stop against a runaway cursor, far beyond what the lists fetched whole ever hold.
 */
export async function fetchAllPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  { maxPages = 50 }: { maxPages?: number } = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await fetchPage(cursor);
    items.push(...result.items);
    if (!result.next_cursor) break;
    cursor = result.next_cursor;
  }
  return items;
}
