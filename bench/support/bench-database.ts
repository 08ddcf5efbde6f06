import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage, Storage } from '../../apps/control-plane/src/platform/database';

/** Benchmarks run on the local PostgreSQL server (DATABASE_URL, else the default local one). */
export const BENCH_SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase extends Storage {
  readonly url: string;
}

/** A fresh database for one benchmark, dropped on close. */
export async function openBenchDatabase(poolSize = 16): Promise<BenchDatabase> {
  const name = `dwc_bench_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  const storage = await openStorage({ databaseUrl: url.toString(), poolSize });
  return {
    ...storage,
    url: url.toString(),
    close: async () => {
      await storage.close();
      await admin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** A statement on the server's maintenance database (CHECKPOINT, CREATE/DROP DATABASE). */
export async function adminQuery(statement: string): Promise<void> {
  await admin((client) => client.query(statement));
}

async function admin(work: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
