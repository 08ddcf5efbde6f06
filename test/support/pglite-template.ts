import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * jest globalSetup: one freshly initialised embedded database, dumped to a file that each test file's
 * PGlite loads (test/support/test-storage.ts). PGlite's initdb costs 4–6 s of WASM on this machine and
 * loading the dump about 1 s, across some hundred embedded databases a run. The dump is taken before
 * any schema exists, so every test file still creates the whole schema itself, as a fresh install does.
 */
export const TEMPLATE_ENV = 'DWC_TEST_PGLITE_TEMPLATE';

export default async function createPgliteTemplate(): Promise<void> {
  if (process.env.DATABASE_URL || process.env[TEMPLATE_ENV]) return;
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create();
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const dir = mkdtempSync(join(tmpdir(), 'dwc-pglite-template-'));
  const file = join(dir, 'initdb.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  // Workers are started after globalSetup and inherit this environment.
  process.env[TEMPLATE_ENV] = file;
}

export async function removePgliteTemplate(): Promise<void> {
  const file = process.env[TEMPLATE_ENV];
  if (file && file.includes('dwc-pglite-template-')) rmSync(join(file, '..'), { recursive: true, force: true });
}
