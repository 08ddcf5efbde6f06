import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startControlPlaneProcess } from './support/control-plane-process';
import { httpSeconds } from './support/options';
import { measureProjectsHttp } from './support/projects-http';

/**
 * The same command and read figures as the http benchmark, with the control plane on embedded PGlite
 * (no DATABASE_URL: a fresh data directory, as `npm start` runs without a server), beside
 * GET /health/live on the same process. PGlite is one session, so every request queues on it.
 */
export async function runPgliteBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dwc-bench-pglite-'));
  const server = await startControlPlaneProcess(null, await freePort(), { DWC_DATA_DIR: dataDir });
  try {
    await measureProjectsHttp(server, 'pglite', httpSeconds(), true);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) void runPgliteBench();
