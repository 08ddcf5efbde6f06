import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage, Storage } from '../../libs/read-model/src/storage';

/**
 * A throw-away database for one test file: a fresh PostgreSQL database when DATABASE_URL is set
 * (created and dropped here), otherwise a fresh in-memory PGlite.
 */
export interface TestStorage extends Storage {
  /** Connection string of the throw-away database (PostgreSQL mode only), for child processes. */
  readonly url?: string;
}

export const onPostgres = () => Boolean(process.env.DATABASE_URL);

export async function openTestStorage(options: { poolSize?: number } = {}): Promise<TestStorage> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return openStorage({});
  const name = `dwc_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = withDatabase(adminUrl, name);
  const storage = await openStorage({ databaseUrl: url, poolSize: options.poolSize });
  return {
    ...storage,
    url,
    close: async () => {
      await storage.close();
      await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Races are only real on a PostgreSQL server (PGlite is one session). In the embedded pass of `npm test`
 * these suites are skipped with that reason in their title; the DATABASE_URL pass of `.ci/run` runs them.
 */
export const describeOnPostgres = (name: string, body: () => void) =>
  onPostgres() ? describe(name, body) : describe.skip(`${name} [skipped: needs DATABASE_URL, PGlite has no concurrent sessions]`, body);
