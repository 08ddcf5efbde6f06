import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { GENESIS_HASH } from '../../../../libs/domain/audit/chain';
import { comparePositions, EventStore, formatPosition, GlobalPosition, START } from '../../../../libs/event-store/src';
import { AnyDb, Projector } from '../../../../libs/read-model/src/projection/projector';
import { ScratchProjection } from '../../../../libs/read-model/src/projection/scratch-projection';
import { Storage } from '../../../control-plane/src/platform/database';
import { allProjectors } from '../../../../projections';
import { walkAuditChain } from '../../../../projections/audit-log/chain-verification';
import { progress } from '../progress';

interface Operator {
  readonly storage: Storage;
  readonly store: EventStore;
  readonly out: NodeJS.WritableStream;
}

const say = (op: Operator, text: string) => op.out.write(`${text}\n`);
const scratchName = (purpose: string) => `dwc_${purpose}_${randomBytes(4).toString('hex')}`;

/** The live checkpoint of one projector, locked when `lock` is given (blocking the live projector's next batch). */
async function liveCheckpoint(db: AnyDb, name: string, lock?: 'share' | 'update'): Promise<GlobalPosition> {
  const clause = lock === 'share' ? sql`for share` : lock === 'update' ? sql`for update` : sql``;
  const result = await sql<{ commit_position: bigint; prepare_position: bigint }>`
    select commit_position, prepare_position from projection_checkpoints where name = ${name} ${clause}`.execute(db);
  const row = result.rows[0];
  return row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : START;
}

/**
 * Builds the scratch projectors, with progress, up to the oldest of their live checkpoints: never
 * past one, so each can then be brought to exactly its live projector's position (checkpoints only
 * move forward).
 */
async function build(op: Operator, scratch: ScratchProjection, label: string): Promise<void> {
  await scratch.create();
  const db = op.storage.db as AnyDb;
  let head = await op.store.headPosition();
  for (const projector of scratch.projectors) {
    const live = await liveCheckpoint(db, projector.name);
    if (comparePositions(live, head) < 0) head = live;
  }
  const total = Number(head.prepare);
  const bar = progress(label, 'positions', total);
  await scratch.catchUp(head, { onProgress: (at) => bar.update(Number(at.prepare), Number(at.prepare)) });
  bar.stop();
}

/**
 * `verify`: rebuilds every projection into a scratch schema and compares it with the live tables,
 * projector by projector at the same position (on PostgreSQL the projector's checkpoint row is held
 * FOR SHARE during its comparison, pausing only that live projector for that time); then recomputes
 * every organization's audit chain. Exit 0 only when everything matches.
 */
export async function verifyAll(op: Operator): Promise<number> {
  const db = op.storage.db as AnyDb;
  const scratch = new ScratchProjection(op.store, db, scratchName('verify'), allProjectors);
  let failures = 0;
  try {
    await build(op, scratch, 'rebuild into scratch');
    for (const projector of allProjectors) {
      const differences = await compareAtLiveCheckpoint(op, scratch, projector);
      for (const [table, n] of differences) {
        if (n > 0) failures++;
        say(op, `${n === 0 ? 'ok  ' : 'DIFF'} ${projector.name}.${table}${n === 0 ? '' : `: ${n} rows differ`} (at ${formatPosition(scratch.positionOf(projector.name))})`);
      }
    }
  } finally {
    await scratch.drop();
  }
  const organizations = await db.selectFrom('audit_chain_heads').select(['organization_id', 'entries']).orderBy('organization_id').execute();
  const total = organizations.reduce((sum, o) => sum + Number(o.entries), 0);
  const bar = progress('audit chains', 'entries', total);
  let checked = 0;
  const broken: string[] = [];
  for (const { organization_id } of organizations) {
    const walk = await walkAuditChain(db, organization_id, { previous: GENESIS_HASH, counted: 0 }, (n) => { checked += n; bar.update(checked, checked); });
    if (!walk.ok) broken.push(`${organization_id} (first bad position ${walk.first_bad_position})`);
  }
  bar.stop();
  say(op, broken.length === 0 ? `ok   audit chains of ${organizations.length} organizations (${checked} entries)` : `BROKEN audit chains: ${broken.join(', ')}`);
  failures += broken.length;
  say(op, failures === 0 ? 'verify: everything matches' : `verify: ${failures} problem(s)`);
  return failures === 0 ? 0 : 1;
}

async function compareAtLiveCheckpoint(op: Operator, scratch: ScratchProjection, projector: Projector): Promise<Array<[string, number]>> {
  const db = op.storage.db as AnyDb;
  const compare = async (trx: AnyDb) => {
    const results: Array<[string, number]> = [];
    for (const table of projector.tables) results.push([table, await scratch.differingRows(table, trx)]);
    return results;
  };
  if (op.storage.kind === 'pglite') {
    // One session: nothing else writes while the CLI holds the embedded database.
    await scratch.catchUp(await liveCheckpoint(db, projector.name), { only: [projector.name] });
    return compare(db);
  }
  return db.transaction().execute(async (trx) => {
    const live = await liveCheckpoint(trx, projector.name, 'share');
    await scratch.catchUp(live, { only: [projector.name] });
    return compare(trx);
  });
}

/**
 * `rebuild <projector>` without downtime: the projector is rebuilt into a scratch schema beside its
 * live tables while it keeps running, then swapped in within one transaction that holds its
 * checkpoint row (the live projector waits at its next batch), applies the last events up to that
 * checkpoint, moves the live tables aside and the rebuilt ones in. Readers see the old tables until
 * the commit and the new ones after; the live projector then continues from the same checkpoint.
 */
export async function rebuild(op: Operator, name: string | undefined): Promise<number> {
  const chosen = name === 'all' ? allProjectors : allProjectors.filter((p) => p.name === name);
  if (chosen.length === 0) {
    op.out.write(`unknown projector ${name}; one of: all, ${allProjectors.map((p) => p.name).join(', ')}\n`);
    return 2;
  }
  const db = op.storage.db as AnyDb;
  for (const projector of chosen) {
    const scratch = new ScratchProjection(op.store, db, scratchName(`rebuild_${projector.name}`), [projector]);
    const retired = scratchName(`retired_${projector.name}`);
    const started = Date.now();
    try {
      await build(op, scratch, `rebuild ${projector.name}`);
      const at = await swapIn(op, scratch, projector, retired);
      await sql`drop schema if exists ${sql.id(retired)} cascade`.execute(db);
      say(op, `rebuilt ${projector.name} up to ${formatPosition(at)} in ${Date.now() - started} ms and swapped it in`);
    } finally {
      await scratch.drop();
    }
  }
  return 0;
}

class LiveMovedOn extends Error {}

/**
 * One transaction holds the live checkpoint row (FOR UPDATE: the live projector waits at its next
 * batch), brings the scratch tables to exactly that checkpoint, and swaps the tables. On PGlite (one
 * session: nothing may be read outside the transaction while it is open) the scratch is brought up
 * first and the swap retried if the live projector moved meanwhile.
 */
async function swapIn(op: Operator, scratch: ScratchProjection, projector: Projector, retired: string): Promise<GlobalPosition> {
  const db = op.storage.db as AnyDb;
  const embedded = op.storage.kind === 'pglite';
  for (let attempt = 1; ; attempt++) {
    if (embedded) await scratch.catchUp(await liveCheckpoint(db, projector.name), { only: [projector.name] });
    try {
      return await db.transaction().execute(async (trx) => {
        const live = await liveCheckpoint(trx, projector.name, 'update');
        const at = scratch.positionOf(projector.name);
        if (embedded && (live.commit !== at.commit || live.prepare !== at.prepare)) throw new LiveMovedOn();
        await scratch.catchUp(live, { only: [projector.name], db: trx });
        await sql`create schema ${sql.id(retired)}`.execute(trx);
        for (const table of projector.tables) {
          await sql`alter table ${sql.id('public', table)} set schema ${sql.id(retired)}`.execute(trx);
          await sql`alter table ${sql.id(scratch.schema, table)} set schema public`.execute(trx);
        }
        return live;
      });
    } catch (error) {
      if (!(error instanceof LiveMovedOn) || attempt >= 20) throw error;
    }
  }
}
