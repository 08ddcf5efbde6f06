import pino from 'pino';
import { createEventStoreSchema, PostgresEventStore } from '../../../libs/event-store/src';
import { ProjectionRunner } from '../../../libs/read-model/src/projection/projection-runner';
import { openStorage } from '../../../libs/read-model/src/storage';
import { allProjectors } from '../../../projections';

/**
 * Runs every projector continuously against DATABASE_URL, apart from the control plane
 * (DWC_EMBEDDED_PROJECTOR=false there). Each projector's checkpoint moves in the same transaction as
 * its rows, so killing this process at any instant loses nothing and applies nothing twice.
 */
async function main() {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required: the embedded (PGlite) mode runs projectors inside the control plane');
  const storage = await openStorage({ databaseUrl, poolSize: 4 });
  await createEventStoreSchema(storage.db);
  const store = new PostgresEventStore(storage.db, { pollIntervalMs: Number(process.env.DWC_PROJECTOR_POLL_MS ?? 100) });
  const runner = new ProjectionRunner(store, storage.db, allProjectors, {
    batchSize: Number(process.env.DWC_PROJECTOR_BATCH_SIZE ?? 500),
    logger,
  });
  await runner.migrate();
  runner.start();
  logger.info({ projectors: allProjectors.map((p) => p.name), storage: storage.description }, 'projector running');
  const stop = async () => {
    await runner.stop();
    await storage.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error) => {
  process.stderr.write(`projector failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
