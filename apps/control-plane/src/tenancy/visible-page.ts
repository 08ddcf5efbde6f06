/**
 * One page of the rows a principal may see, in key order: reads chunks until it has limit+1 visible
 * rows (so it knows whether there is a next page) or the table ends.
 */
export async function visiblePage<T>(
  fetch: (after: string | undefined, limit: number) => Promise<T[]>,
  visible: (row: T) => boolean,
  keyOf: (row: T) => string,
  after: string | undefined,
  limit: number,
): Promise<T[]> {
  const chunk = Math.max(limit + 1, 100);
  const rows: T[] = [];
  let cursor = after;
  for (;;) {
    const fetched = await fetch(cursor, chunk);
    rows.push(...fetched.filter(visible));
    if (rows.length > limit || fetched.length < chunk) return rows.slice(0, limit + 1);
    cursor = keyOf(fetched[fetched.length - 1]);
  }
}
