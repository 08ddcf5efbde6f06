import { createEventStoreSchema, PostgresEventStore } from '../../../libs/event-store/src';
import { ProjectionRunner } from '../../../libs/read-model/src/projection/projection-runner';
import { openStorage } from '../../../libs/read-model/src/storage';
import { allProjectors } from '../../../projections';
import { strictProjectors } from './strict-projectors';

/**
 * The projector process of the crash test (built by `tsc -p tsconfig.json` into dist/): every real
 * projector plus the strict ones, in one runner, like apps/projector/src/main.ts. Killed with SIGKILL.
 */
async function main() {
  const storage = await openStorage({ databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
  await createEventStoreSchema(storage.db);
  const store = new PostgresEventStore(storage.db, { pollIntervalMs: 20 });
  const runner = new ProjectionRunner(store, storage.db, [...allProjectors, ...strictProjectors], {
    batchSize: Number(process.env.DWC_PROJECTOR_BATCH_SIZE ?? 40), retryDelayMs: 50,
  });
  await runner.migrate();
  runner.start();
}

main().catch((error) => {
  process.stderr.write(`crash projector failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
