import { RecordedEvent } from '../../../event-store/src/event-store';
import { comparePositions, GlobalPosition } from '../../../event-store/src/position';
import { advanceCheckpoint, loadCheckpoint } from './checkpoints';
import { AnyDb, Projector } from './projector';

/** Longest a projector's stored checkpoint trails its read position while no event concerns it. */
const IDLE_CHECKPOINT_MS = 1000;

/**
 * One projector's progress. `stored` is what the database holds, `seen` how far it has read. A batch
 * with nothing for this projector only moves `seen`; `stored` catches up when rows are written, at
 * most once a second otherwise, and when the log has been read to its head.
 */
export class ProjectorCursor {
  private storedAt = Date.now();

  private constructor(
    readonly projector: Projector,
    private stored: GlobalPosition,
    private seenPosition: GlobalPosition,
  ) {}

  static async load(db: AnyDb, projector: Projector): Promise<ProjectorCursor> {
    const stored = await loadCheckpoint(db, projector.name);
    return new ProjectorCursor(projector, stored, stored);
  }

  get seen(): GlobalPosition {
    return this.seenPosition;
  }

  /** Applies the events of `batch` this projector has not seen yet; an empty batch means "caught up". */
  async take(db: AnyDb, batch: readonly RecordedEvent[]): Promise<void> {
    const unseen = batch.filter((event) => comparePositions(event.position, this.seenPosition) > 0);
    const relevant = unseen.filter((event) => this.projector.handles.has(event.type));
    const to = unseen.length > 0 ? unseen[unseen.length - 1].position : this.seenPosition;
    const due = relevant.length > 0
      || (batch.length === 0 ? comparePositions(to, this.stored) !== 0 : unseen.length > 0 && Date.now() - this.storedAt >= IDLE_CHECKPOINT_MS);
    if (due) {
      const from = this.stored;
      await db.transaction().execute(async (trx) => {
        await advanceCheckpoint(trx, this.projector.name, from, to);
        if (relevant.length > 0) await this.projector.applyBatch(trx, relevant);
      });
      this.stored = to;
      this.storedAt = Date.now();
    }
    this.seenPosition = to;
  }
}
