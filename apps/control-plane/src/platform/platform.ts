import { Logger } from 'pino';
import { createEventStoreSchema, EventStore, EventStoreDbEventStore, PostgresEventStore } from '../../../../libs/event-store/src';
import { Leases } from '../../../../libs/read-model/src/leases/leases';
import { ProjectionRunner } from '../../../../libs/read-model/src/projection/projection-runner';
import { openStorage, Storage } from './database';
import { allProjectors } from '../../../../projections';
import { createInfrastructureTables } from './infrastructure-tables';
import { createUsageEventIndex } from '../billing/usage-event-index';
import { createAccessRevocations, RecordingAccessChanges } from '../auth/access-revocations';

/** Everything stateful the control plane runs on, opened once per process and shared through DI. */
export interface Platform {
  readonly storage: Storage;
  readonly store: EventStore;
  /** Where the events live, for the start-up line: PostgreSQL/PGlite or EventStoreDB at a host. */
  readonly eventStoreDescription: string;
  readonly runner: ProjectionRunner;
  /** One active instance per projector and per process type across the replicas sharing this database. */
  readonly leases: Leases;
  readonly embeddedProjector: boolean;
  close(): Promise<void>;
}

export interface PlatformOptions {
  readonly storage?: Storage;
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  readonly embeddedProjector: boolean;
  readonly leaseTtlMs?: number;
  readonly logger?: Logger;
  /** esdb://… (EVENTSTORE_URL): events in EventStoreDB; read models and checkpoints stay in `storage`. */
  readonly eventStoreUrl?: string;
}

export async function openPlatform(options: PlatformOptions): Promise<Platform> {
  const storage = options.storage ?? await openStorage({
    databaseUrl: options.databaseUrl,
    dataDir: options.databaseUrl ? undefined : `${options.dataDir}/pglite`,
  });
  await createEventStoreSchema(storage.db);
  await createInfrastructureTables(storage.db);
  await createAccessRevocations(storage.db);
  await createUsageEventIndex(storage.db);
  const { store, description } = openEventStore(storage, options.eventStoreUrl);
  const leases = new Leases(storage.db, { ttlMs: options.leaseTtlMs });
  const runner = new ProjectionRunner(store, storage.db, allProjectors, { logger: options.logger, leases });
  await runner.migrate();
  if (options.embeddedProjector) runner.start();
  return {
    storage, store, eventStoreDescription: description, runner, leases, embeddedProjector: options.embeddedProjector,
    close: async () => {
      await runner.stop();
      await store.close();
      if (!options.storage) await storage.close();
    },
  };
}

/**
 * The event store this process appends to and projects from: EventStoreDB when `eventStoreUrl`
 * (EVENTSTORE_URL) is an esdb:// connection string, else the es_events table of `storage`.
 */
export function openEventStore(storage: Storage, eventStoreUrl?: string): { store: EventStore; description: string } {
  if (!eventStoreUrl) return { store: new PostgresEventStore(storage.db), description: `the es_events table on ${storage.description}` };
  if (!/^esdb(\+discover)?:\/\//.test(eventStoreUrl)) throw new Error('EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string');
  const where = eventStoreUrl.replace(/^(esdb(\+discover)?:\/\/)[^@/]*@/, '$1');
  // No trigger on es_events sees these appends: the wrapper writes access_revocations after each one.
  return { store: new RecordingAccessChanges(new EventStoreDbEventStore(eventStoreUrl), storage.db), description: `EventStoreDB at ${where}` };
}
