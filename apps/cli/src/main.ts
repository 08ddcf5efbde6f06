import { sql } from 'kysely';
import { createEventStoreSchema, formatPosition, PostgresEventStore } from '../../../libs/event-store/src';
import { createCheckpointsTable, readCheckpoints } from '../../../libs/read-model/src/projection/checkpoints';
import { ProjectionRunner } from '../../../libs/read-model/src/projection/projection-runner';
import { openStorage } from '../../../libs/read-model/src/storage';
import { allProjectors } from '../../../projections';

const USAGE = `usage: npm run cli -- <command>
  status                 each projector's checkpoint and the log head
  rebuild <name|all>     drop a projector's rows and replay it from position 0 (stop the control plane first on PGlite)
storage: DATABASE_URL, else the embedded database under DWC_DATA_DIR (./.data)`;

/** Operator CLI over the same storage the control plane uses. */
async function main(argv: string[]) {
  const [command, argument] = argv;
  if (!command || command === 'help' || command === '--help') return void process.stdout.write(`${USAGE}\n`);
  const dataDir = process.env.DWC_DATA_DIR ?? '.data';
  const storage = await openStorage({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATABASE_URL ? undefined : `${dataDir}/pglite` });
  try {
    await createEventStoreSchema(storage.db);
    await createCheckpointsTable(storage.db);
    const store = new PostgresEventStore(storage.db);
    switch (command) {
      case 'status': {
        const checkpoints = await readCheckpoints(storage.db);
        process.stdout.write(`log head: ${formatPosition(await store.headPosition())}\n`);
        for (const projector of allProjectors) {
          const at = checkpoints.get(projector.name);
          process.stdout.write(`${projector.name.padEnd(24)} ${at ? formatPosition(at) : 'not started'}\n`);
        }
        return;
      }
      case 'rebuild': {
        const chosen = argument === 'all' ? allProjectors : allProjectors.filter((p) => p.name === argument);
        if (chosen.length === 0) throw new Error(`unknown projector ${argument}; one of: all, ${allProjectors.map((p) => p.name).join(', ')}`);
        const runner = new ProjectionRunner(store, storage.db, chosen, { batchSize: 2000 });
        await runner.migrate();
        await storage.db.transaction().execute(async (trx) => {
          for (const projector of chosen) {
            for (const table of projector.tables) await sql`truncate table ${sql.id(table)}`.execute(trx);
            await trx.deleteFrom('projection_checkpoints').where('name', '=', projector.name).execute();
          }
        });
        const head = await store.lastCommittedPosition();
        const started = Date.now();
        runner.start();
        const done = await runner.waitFor(head, 3_600_000);
        await runner.stop();
        process.stdout.write(`${done ? 'rebuilt' : 'stopped before the head:'} ${chosen.map((p) => p.name).join(', ')} up to ${formatPosition(head)} in ${Date.now() - started} ms\n`);
        return;
      }
      default:
        throw new Error(`unknown command ${command}\n${USAGE}`);
    }
  } finally {
    await storage.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
