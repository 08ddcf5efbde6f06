import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Database } from './database';
import { PgliteDialect } from './pglite-dialect';

/** int8 and xid8 come back as bigint on both drivers: positions must never pass through a JS number. */
const INT8_OID = 20;
const XID8_OID = 5069;
const toBigInt = (value: string) => BigInt(value);
pg.types.setTypeParser(INT8_OID, toBigInt);
pg.types.setTypeParser(XID8_OID as typeof pg.types.builtins.INT8, toBigInt);

export type StorageKind = 'postgres' | 'pglite';

/** One open database: a kysely handle plus what is needed to close it. Tables are typed per module. */
export interface Storage {
  readonly kind: StorageKind;
  readonly db: Kysely<Database>;
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
}

export const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
    // An idle connection the server closed (restart, failover, admin) is dropped by the pool; without a
    // listener that 'error' would crash the process. The next query opens a fresh connection.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kind: 'postgres', db, description: redactUrl(options.databaseUrl), close: () => db.destroy() };
  }
  const pglite = await openPglite(options);
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
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
