import pino from 'pino';
import { createEventStoreSchema, EventStoreDbEventStore, PostgresEventStore } from '../../../libs/event-store/src';
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
  // EVENTSTORE_URL: events come from EventStoreDB; the read models and checkpoints stay on DATABASE_URL.
  const store = process.env.EVENTSTORE_URL
    ? new EventStoreDbEventStore(process.env.EVENTSTORE_URL)
    : new PostgresEventStore(storage.db, { pollIntervalMs: Number(process.env.DWC_PROJECTOR_POLL_MS ?? 100) });
  const runner = new ProjectionRunner(store, storage.db, allProjectors, {
    batchSize: Number(process.env.DWC_PROJECTOR_BATCH_SIZE ?? 500),
    logger,
  });
  await runner.migrate();
  runner.start();
  logger.info({ projectors: allProjectors.map((p) => p.name), storage: storage.description, events: process.env.EVENTSTORE_URL ? 'EventStoreDB' : 'es_events' }, 'projector running');
  const stop = async () => {
    await runner.stop();
    await store.close();
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
