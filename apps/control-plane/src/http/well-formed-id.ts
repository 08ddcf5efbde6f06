/** The shape of every id Cloud hands out; anything else names nothing that can exist (and a NUL would not even reach PostgreSQL). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export const isWellFormedId = (value: unknown): value is string => typeof value === 'string' && ID.test(value);
