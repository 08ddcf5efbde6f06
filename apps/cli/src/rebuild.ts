import { sql } from 'kysely';
import { formatPosition, PostgresEventStore } from '../../../libs/event-store/src';
import { ProjectionRunner } from '../../../libs/read-model/src/projection/projection-runner';
import { Projector } from '../../../libs/read-model/src/projection/projector';
import { Storage } from '../../control-plane/src/platform/database';

/**
 * Drops the chosen projectors' rows and checkpoints in one transaction and replays them from position 0
 * up to the last committed event (the CLI's `rebuild`; nothing else may be projecting meanwhile).
 */
export async function rebuildProjectors(storage: Pick<Storage, 'db'>, chosen: readonly Projector[], timeoutMs = 3_600_000): Promise<{ done: boolean; head: string }> {
  const store = new PostgresEventStore(storage.db);
  const runner = new ProjectionRunner(store, storage.db, chosen, { batchSize: 2000 });
  await runner.migrate();
  await storage.db.transaction().execute(async (trx) => {
    for (const projector of chosen) {
      for (const table of projector.tables) await sql`truncate table ${sql.id(table)}`.execute(trx);
      await trx.deleteFrom('projection_checkpoints').where('name', '=', projector.name).execute();
    }
  });
  const head = await store.lastCommittedPosition();
  runner.start();
  const done = await runner.waitFor(head, timeoutMs);
  await runner.stop();
  return { done, head: formatPosition(head) };
}
