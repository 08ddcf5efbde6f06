import { sql } from 'kysely';
import { GlobalPosition, START } from '../../../event-store/src/position';
import { AnyDb } from './projector';

export interface CheckpointsTable {
  name: string;
  commit_position: bigint;
  prepare_position: bigint;
  updated_at: Date;
}

/** The table the runner owns, for the composition root's `Database`. */
export interface CheckpointTables {
  projection_checkpoints: CheckpointsTable;
}

export class LostOwnershipError extends Error {
  constructor(readonly projector: string) {
    super(`projector ${projector}: checkpoint moved under us, another instance owns it`);
    this.name = 'LostOwnershipError';
  }
}

export async function createCheckpointsTable(db: AnyDb): Promise<void> {
  await db.schema.createTable('projection_checkpoints').ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('commit_position', 'bigint', (c) => c.notNull())
    .addColumn('prepare_position', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function loadCheckpoint(db: AnyDb, name: string): Promise<GlobalPosition> {
  await db.insertInto('projection_checkpoints')
    .values({ name, commit_position: START.commit.toString(), prepare_position: START.prepare.toString() })
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('projection_checkpoints').select(['commit_position', 'prepare_position'])
    .where('name', '=', name).executeTakeFirstOrThrow();
  return { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
}

/**
 * Compare-and-set inside the batch's transaction: zero rows means another instance moved it, and the
 * whole batch (rows included) rolls back.
 */
export async function advanceCheckpoint(trx: AnyDb, name: string, from: GlobalPosition, to: GlobalPosition): Promise<void> {
  const result = await trx.updateTable('projection_checkpoints')
    .set({ commit_position: to.commit.toString(), prepare_position: to.prepare.toString(), updated_at: sql`now()` })
    .where('name', '=', name)
    .where('commit_position', '=', from.commit.toString())
    .where('prepare_position', '=', from.prepare.toString())
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new LostOwnershipError(name);
}

export async function readCheckpoints(db: AnyDb): Promise<Map<string, GlobalPosition>> {
  const rows = await db.selectFrom('projection_checkpoints').selectAll().execute();
  return new Map(rows.map((r) => [r.name as string, { commit: BigInt(r.commit_position), prepare: BigInt(r.prepare_position) }]));
}
