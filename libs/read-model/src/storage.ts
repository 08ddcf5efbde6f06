import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PgliteDialect } from './pglite-dialect';

/** int8 and xid8 come back as bigint on both drivers: positions must never pass through a JS number. */
const INT8_OID = 20;
const XID8_OID = 5069;
const toBigInt = (value: string) => BigInt(value);
pg.types.setTypeParser(INT8_OID, toBigInt);
pg.types.setTypeParser(XID8_OID as typeof pg.types.builtins.INT8, toBigInt);

export type StorageKind = 'postgres' | 'pglite';

/**
 * One open database: a kysely handle plus what is needed to close it. `DB` is the tables' type, which this
 * library does not know: the composition root assembles it (apps/control-plane/src/platform/database.ts).
 */
export interface Storage<DB> {
  readonly kind: StorageKind;
  readonly db: Kysely<DB>;
  /** A human-readable description for logs (never includes a password). */
  readonly description: string;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** postgres://… ; when absent, embedded PGlite under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  /** Load an embedded database from a dump (tests: one migrated template, loaded per file). */
  readonly pgliteDump?: Blob;
  readonly poolSize?: number;
  /** How long to wait for a connection from the pool/server before failing (PostgreSQL). */
  readonly connectTimeoutMs?: number;
  /** Server-side statement_timeout of every pooled connection (PostgreSQL). */
  readonly statementTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

const envMs = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new Error(`${name} must be a positive whole number of milliseconds, got ${value}`);
  return parsed;
};

export async function openStorage<DB>(options: StorageOptions): Promise<Storage<DB>> {
  if (options.databaseUrl) {
    // Bounded: while the server is down a request fails fast (503) instead of hanging, and a stuck
    // statement cannot hold a connection forever. DWC_PG_CONNECT_TIMEOUT_MS / DWC_PG_STATEMENT_TIMEOUT_MS.
    const pool = new pg.Pool({
      connectionString: options.databaseUrl, max: options.poolSize ?? 20,
      connectionTimeoutMillis: options.connectTimeoutMs ?? envMs('DWC_PG_CONNECT_TIMEOUT_MS', DEFAULT_CONNECT_TIMEOUT_MS),
      statement_timeout: options.statementTimeoutMs ?? envMs('DWC_PG_STATEMENT_TIMEOUT_MS', DEFAULT_STATEMENT_TIMEOUT_MS),
      idleTimeoutMillis: 30_000,
    });
    // An idle connection the server closed (restart, failover, admin) is dropped by the pool; without a
    // listener that 'error' would crash the process. The next query opens a fresh connection.
    pool.on('error', () => undefined);
    // The same for a connection in use when the server goes away (a restart, a failover): the query on
    // it fails (and answers 503); without this listener the client's own 'error' would crash the process.
    pool.on('connect', (connection) => connection.on('error', () => undefined));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { kind: 'postgres', db, description: redactUrl(options.databaseUrl), close: () => db.destroy() };
  }
  const pglite = await openPglite(options);
  const db = new Kysely<DB>({ dialect: new PgliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    description: options.dataDir ? `pglite:${options.dataDir}` : 'pglite:memory',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

async function openPglite(options: StorageOptions) {
  const { PGlite } = await import('@electric-sql/pglite');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  return PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.pgliteDump ? { loadDataDir: options.pgliteDump } : {}),
    parsers: { [INT8_OID]: toBigInt, [XID8_OID]: toBigInt },
  });
}
