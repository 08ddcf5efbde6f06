import { openBenchDatabase } from './support/bench-database';
import { startControlPlaneProcess } from './support/control-plane-process';
import { httpSeconds } from './support/options';
import { measureProjectsHttp } from './support/projects-http';

/**
 * HTTP commands through the whole stack (guard, validation, command handler, event store append,
 * projection wait for read-your-writes, read back): POST /api/v1/projects with a fresh name per
 * request, and the authorized page read, from this process against the control plane in its own
 * process on PostgreSQL, beside GET /health/live on the same process. (The authorized-GET goal is
 * the auth benchmark's figure; here the GET is informative.)
 */
export async function runHttpBench(): Promise<void> {
  const db = await openBenchDatabase(4);
  const server = await startControlPlaneProcess(db.url, 18000 + Math.floor(Math.random() * 1000));
  try {
    await measureProjectsHttp(server, 'postgresql', httpSeconds(), false);
  } finally {
    await server.stop();
    await db.close();
  }
}

if (require.main === module) void runHttpBench();
