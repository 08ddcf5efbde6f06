import { Logger } from 'pino';
import { createEventStoreSchema, EventStore, PostgresEventStore } from '../../../../libs/event-store/src';
import { ProjectionRunner } from '../../../../libs/read-model/src/projection/projection-runner';
import { openStorage, Storage } from '../../../../libs/read-model/src/storage';
import { allProjectors } from '../../../../projections';
import { createInfrastructureTables } from './infrastructure-tables';

/** Everything stateful the control plane runs on, opened once per process and shared through DI. */
export interface Platform {
  readonly storage: Storage;
  readonly store: EventStore;
  readonly runner: ProjectionRunner;
  readonly embeddedProjector: boolean;
  close(): Promise<void>;
}

export interface PlatformOptions {
  readonly storage?: Storage;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly embeddedProjector: boolean;
  readonly logger?: Logger;
}

export async function openPlatform(options: PlatformOptions): Promise<Platform> {
  const storage = options.storage ?? await openStorage({
    databaseUrl: options.databaseUrl,
    dataDir: options.databaseUrl ? undefined : `${options.dataDir}/pglite`,
  });
  await createEventStoreSchema(storage.db);
  await createInfrastructureTables(storage.db);
  const store = new PostgresEventStore(storage.db);
  const runner = new ProjectionRunner(store, storage.db, allProjectors, { logger: options.logger });
  await runner.migrate();
  if (options.embeddedProjector) runner.start();
  return {
    storage, store, runner, embeddedProjector: options.embeddedProjector,
    close: async () => {
      await runner.stop();
      await store.close();
      if (!options.storage) await storage.close();
    },
  };
}
