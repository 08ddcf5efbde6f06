/**
 * A position in the global log. It has the shape of EventStoreDB's `{commit, prepare}` so both adapters
 * share one type: on PostgreSQL `commit` is the appending transaction's xid8 and `prepare` the row's
 * sequence number, and the log is ordered by (commit, prepare). Never a JS `number`.
 */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: GlobalPosition = Object.freeze({ commit: -1n, prepare: -1n });

export const comparePositions = (a: GlobalPosition, b: GlobalPosition): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

export const isAfter = (a: GlobalPosition, b: GlobalPosition) => comparePositions(a, b) > 0;

/** The external form: `<commit>.<prepare>`, opaque to clients, ordered like the log. */
export const formatPosition = (p: GlobalPosition): string => `${p.commit}.${p.prepare}`;

const POSITION_PATTERN = /^(-1|0|[1-9][0-9]{0,18})\.(-1|0|[1-9][0-9]{0,18})$/;

export const parsePosition = (text: string): GlobalPosition | null => {
  const match = POSITION_PATTERN.exec(text);
  if (!match) return null;
  const commit = BigInt(match[1]);
  const prepare = BigInt(match[2]);
  const max = 2n ** 63n - 1n;
  if (commit > max || prepare > max) return null;
  return { commit, prepare };
};
