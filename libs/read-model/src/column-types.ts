import { ColumnType } from 'kysely';

/**
 * Column types shared by the read models. Events carry times as ISO strings and revisions and positions as
 * decimal strings (a JS number would lose int8 precision), so inserts and updates take those, while reads
 * come back as `Date` and `bigint` on both drivers (storage.ts sets the parsers).
 */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
export type Int8 = ColumnType<bigint, bigint | string, bigint | string>;
