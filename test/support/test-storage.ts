import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { openStorage, Storage } from '../../apps/control-plane/src/platform/database';
import { TEMPLATE_ENV } from './pglite-template';

/**
 * A throw-away database for one test file: a fresh PostgreSQL database when DATABASE_URL is set
 * (created and dropped here), otherwise a fresh in-memory PGlite (loaded from the initdb template when
 * jest's globalSetup made one).
 */
export interface TestStorage extends Storage {
  /** Connection string of the throw-away database (PostgreSQL mode only), for child processes. */
  readonly url?: string;
}

export const onPostgres = () => Boolean(process.env.DATABASE_URL);

export async function openTestStorage(options: { poolSize?: number } = {}): Promise<TestStorage> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return openStorage({ pgliteDump: pgliteTemplate() });
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

/** The initialised empty database jest's globalSetup dumped (test/support/pglite-template.ts), if any. */
function pgliteTemplate(): Blob | undefined {
  const file = process.env[TEMPLATE_ENV];
  return file && existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
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
 * Races are only real on a PostgreSQL server (PGlite is one session, so every "race" there is won in
 * turn and passes trivially). Without DATABASE_URL these suites are skipped with that reason in their
 * title — except in CI (`CI` set), where a missing DATABASE_URL fails them, so a misconfigured CI
 * cannot pass without ever running them. The embedded pass of `.ci/run` says it means to skip them
 * (`DWC_PGLITE_PASS=1`); its DATABASE_URL pass runs them.
 */
export const describeOnPostgres = (name: string, body: () => void) => {
  if (onPostgres()) return describe(name, body);
  if (process.env.CI && process.env.DWC_PGLITE_PASS !== '1') {
    return describe(`${name} [needs DATABASE_URL]`, () => {
      it('runs on PostgreSQL in CI', () => {
        throw new Error('CI is set but DATABASE_URL is not: this PostgreSQL-only suite would be skipped. Set DATABASE_URL, '
          + 'or DWC_PGLITE_PASS=1 for a pass that deliberately runs on embedded storage (.ci/run does both).');
      });
    });
  }
  return describe.skip(`${name} [skipped: needs DATABASE_URL, PGlite has no concurrent sessions]`, body);
};
