import { createEventStoreSchema, EventStoreDbEventStore, formatPosition, PostgresEventStore } from '../../../libs/event-store/src';
import { createCheckpointsTable, readCheckpoints } from '../../../libs/read-model/src/projection/checkpoints';
import { createProcessInstancesTable, listInstances } from '../../../libs/process-manager/src/process-instances';
import { openStorage } from '../../control-plane/src/platform/database';
import { allProjectors } from '../../../projections';
import { auditVerify } from './commands/audit-verify';
import { rebuild, verifyAll } from './commands/operator';
import { replay } from './commands/replay';

const USAGE = `usage: npm run cli -- <command>
auditors (no database access):
  audit verify <export.ndjson> --public-key <pem>   check an audit export offline: chain, signatures, no gap (exit 0 only if all hold)
  replay [--from <position>] [--out <file>] [--stream <id>] [--types A,B]
                                                    the organization's events as NDJSON over HTTP (DWC_URL, DWC_API_KEY)
operators (on the database: DATABASE_URL, else the embedded database under DWC_DATA_DIR, ./.data):
  status                 each projector's checkpoint and the log head
  verify                 rebuild every projection into a scratch schema, compare with the live tables, check every audit chain
  rebuild <name|all>     rebuild a projector beside its live tables, then swap them in (no downtime on PostgreSQL;
                         on PGlite stop the control plane first: the embedded database has one session)
  processes [--all]      running, waiting and stuck process instances (--all: finished ones too)`;

/** The operator and auditor CLI. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'audit') {
    if (rest[0] === 'verify') return auditVerify(rest.slice(1));
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === 'replay') return replay(rest);
  if (!['status', 'verify', 'rebuild', 'processes'].includes(command)) {
    process.stderr.write(`unknown command ${command}\n${USAGE}\n`);
    return 2;
  }
  const dataDir = process.env.DWC_DATA_DIR ?? '.data';
  const storage = await openStorage({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATABASE_URL ? undefined : `${dataDir}/pglite` });
  const store = process.env.EVENTSTORE_URL ? new EventStoreDbEventStore(process.env.EVENTSTORE_URL) : new PostgresEventStore(storage.db);
  try {
    await createEventStoreSchema(storage.db);
    await createCheckpointsTable(storage.db);
    for (const projector of allProjectors) await projector.createTables(storage.db);
    const op = { storage, store, out: process.stdout };
    switch (command) {
      case 'status': {
        const checkpoints = await readCheckpoints(storage.db);
        process.stdout.write(`log head: ${formatPosition(await store.headPosition())}\n`);
        for (const projector of allProjectors) {
          const at = checkpoints.get(projector.name);
          process.stdout.write(`${projector.name.padEnd(24)} ${at ? formatPosition(at) : 'not started'}\n`);
        }
        return 0;
      }
      case 'processes': {
        await createProcessInstancesTable(storage.db);
        const rows = await listInstances(storage.db, { includeFinished: rest[0] === '--all' });
        if (rows.length === 0) process.stdout.write('no process instances with work left\n');
        else process.stdout.write(`${'process'.padEnd(28)} ${'status'.padEnd(10)} ${'attempts'.padEnd(8)} ${'wake at'.padEnd(24)} id / last error\n`);
        for (const row of rows) {
          process.stdout.write(`${row.process.padEnd(28)} ${row.status.padEnd(10)} ${String(row.attempts).padEnd(8)} ${(row.wake_at ?? '-').padEnd(24)} ${row.process_id}${row.last_error ? ` — ${row.last_error}` : ''}\n`);
        }
        return 0;
      }
      case 'verify':
        return await verifyAll(op);
      default:
        return await rebuild(op, rest[0]);
    }
  } finally {
    await store.close();
    await storage.close();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
