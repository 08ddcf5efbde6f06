import { sql } from 'kysely';
import { EventStore } from '../../../event-store/src/event-store';
import { comparePositions, GlobalPosition, START } from '../../../event-store/src/position';
import { AnyDb, Projector } from './projector';

const BATCH = 2000;

/**
 * Projectors rebuilt from the log into a scratch schema beside the live tables, each to an exact
 * position (unlike the runner, which stops wherever its batch ended): the operator CLI compares them
 * with the live tables (`verify`) or swaps them in (`rebuild`). Reads go through the event-store port.
 */
export class ScratchProjection {
  private readonly positions = new Map<string, GlobalPosition>();

  constructor(
    private readonly store: EventStore,
    private readonly db: AnyDb,
    readonly schema: string,
    readonly projectors: readonly Projector[],
  ) {}

  get scratchDb(): AnyDb {
    return this.db.withSchema(this.schema);
  }

  async create(): Promise<void> {
    await sql`create schema ${sql.id(this.schema)}`.execute(this.db);
    for (const projector of this.projectors) {
      await projector.createTables(this.scratchDb);
      this.positions.set(projector.name, START);
    }
  }

  positionOf(name: string): GlobalPosition {
    return this.positions.get(name) ?? START;
  }

  /**
   * Applies every event up to `to` (inclusive) to the chosen projectors' scratch tables, in one read
   * of the log. `to` must be visible to readers already (a live checkpoint, or `headPosition()`).
   * Rows go into a transaction on the scratch schema per batch, or into `db` when given (the swap's transaction).
   */
  async catchUp(to: GlobalPosition, options: { only?: readonly string[]; onProgress?: (at: GlobalPosition) => void; db?: AnyDb } = {}): Promise<void> {
    const chosen = this.projectors.filter((p) => !options.only || options.only.includes(p.name));
    if (chosen.length === 0) return;
    let from = chosen.map((p) => this.positionOf(p.name)).reduce((min, at) => (comparePositions(at, min) < 0 ? at : min));
    while (comparePositions(from, to) < 0) {
      const batch = (await this.store.readAll({ from, limit: BATCH })).filter((e) => comparePositions(e.position, to) <= 0);
      if (batch.length === 0) break;
      const last = batch[batch.length - 1].position;
      for (const projector of chosen) {
        const at = this.positionOf(projector.name);
        const relevant = batch.filter((e) => comparePositions(e.position, at) > 0 && projector.handles.has(e.type));
        if (relevant.length > 0) {
          if (options.db) await projector.applyBatch(options.db.withSchema(this.schema), relevant);
          else await this.scratchDb.transaction().execute((trx) => projector.applyBatch(trx, relevant));
        }
        if (comparePositions(last, at) > 0) this.positions.set(projector.name, last);
      }
      from = last;
      options.onProgress?.(last);
    }
    // Everything up to `to` is applied (no visible event lies between the last one read and `to`).
    for (const projector of chosen) if (comparePositions(to, this.positionOf(projector.name)) > 0) this.positions.set(projector.name, to);
  }

  /** Rows that differ between the live table and its scratch copy (in either direction). */
  async differingRows(table: string, db: AnyDb = this.db): Promise<number> {
    const live = sql.id('public', table);
    const fresh = sql.id(this.schema, table);
    const result = await sql<{ n: bigint | number | string }>`
      select count(*) as n from ((select * from ${live} except all select * from ${fresh})
        union all (select * from ${fresh} except all select * from ${live})) d`.execute(db);
    return Number(result.rows[0].n);
  }

  async drop(): Promise<void> {
    await sql`drop schema if exists ${sql.id(this.schema)} cascade`.execute(this.db);
  }
}
