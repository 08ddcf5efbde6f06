import { EventEmitter } from 'node:events';
import { EventStore } from '../../../event-store/src/event-store';
import { comparePositions, GlobalPosition, START } from '../../../event-store/src/position';
import { waitForSignalOrTimeout } from '../../../event-store/src/wait';
import { createCheckpointsTable, LostOwnershipError, readCheckpoints } from './checkpoints';
import { ProjectorCursor } from './projector-cursor';
import { AnyDb, Projector } from './projector';

export interface RunnerLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ProjectionRunnerOptions {
  readonly batchSize?: number;
  readonly retryDelayMs?: number;
  readonly logger?: RunnerLogger;
}

export type ProjectorStatus = 'starting' | 'running' | 'failing' | 'stopped';

/**
 * Runs the projectors: read a batch after their checkpoints, then per projector one transaction that
 * moves its checkpoint (compare-and-set) and writes its rows. A crash anywhere leaves either both or
 * neither, so every event is applied exactly once.
 */
export class ProjectionRunner {
  private readonly positions = new Map<string, GlobalPosition>();
  private readonly statuses = new Map<string, ProjectorStatus>();
  private readonly advanced = new EventEmitter().setMaxListeners(0);
  private readonly controller = new AbortController();
  private loops: Promise<void>[] = [];
  private started = false;

  constructor(
    private readonly store: EventStore,
    private readonly db: AnyDb,
    readonly projectors: readonly Projector[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  async migrate(): Promise<void> {
    await createCheckpointsTable(this.db);
    for (const projector of this.projectors) await projector.createTables(this.db);
  }

  start(): void {
    this.started = true;
    this.loops = [this.runShared()];
  }

  async stop(): Promise<void> {
    this.controller.abort();
    // Loops started while stopping (a projector leaving the group) are awaited too.
    for (let awaited = 0; awaited < this.loops.length; awaited = this.loops.length) await Promise.all(this.loops);
    for (const projector of this.projectors) this.statuses.set(projector.name, 'stopped');
  }

  status(): Record<string, { status: ProjectorStatus; position: GlobalPosition }> {
    return Object.fromEntries(this.projectors.map((p) => [p.name, {
      status: this.statuses.get(p.name) ?? 'starting',
      position: this.positions.get(p.name) ?? START,
    }]));
  }

  get healthy(): boolean {
    return this.projectors.every((p) => this.statuses.get(p.name) === 'running');
  }

  /** True once every projector has passed `position`; false if `timeoutMs` ran out first. */
  async waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (!this.started) return this.waitForCheckpoints(position, deadline);
    while (!this.hasPassed(position)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.controller.signal.aborted) return false;
      await waitForSignalOrTimeout(this.advanced, 'advanced', remaining, this.controller.signal).promise;
    }
    return true;
  }

  /** When the projectors run in another process (apps/projector), their checkpoints are the truth. */
  private async waitForCheckpoints(position: GlobalPosition, deadline: number): Promise<boolean> {
    for (;;) {
      const checkpoints = await readCheckpoints(this.db);
      for (const [name, at] of checkpoints) this.positions.set(name, at);
      if (this.hasPassed(position)) return true;
      if (Date.now() >= deadline || this.controller.signal.aborted) return false;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  }

  private hasPassed(position: GlobalPosition): boolean {
    return this.projectors.every((p) => comparePositions(this.positions.get(p.name) ?? START, position) >= 0);
  }

  /**
   * One shared read of the log feeds every projector (each still in its own transaction with its own
   * checkpoint). A projector that fails leaves the group and retries alone from its stored checkpoint.
   */
  private async runShared(): Promise<void> {
    const signal = this.controller.signal;
    let group: ProjectorCursor[];
    try {
      group = await Promise.all(this.projectors.map((projector) => ProjectorCursor.load(this.db, projector)));
    } catch (error) {
      this.options.logger?.error({ err: error }, 'could not load projector checkpoints; running projectors one by one');
      this.loops.push(...this.projectors.map((projector) => this.runAlone(projector)));
      return;
    }
    for (const cursor of group) this.moved(cursor.projector, cursor.seen, 'running');
    const from = group.reduce((min, c) => (comparePositions(c.seen, min) < 0 ? c.seen : min), group[0]?.seen ?? START);
    for await (const batch of this.store.subscribeAll({ from, batchSize: this.options.batchSize ?? 500, signal })) {
      const failed: ProjectorCursor[] = [];
      await Promise.all(group.map(async (cursor) => {
        try {
          await cursor.take(this.db, batch);
          this.moved(cursor.projector, cursor.seen, 'running');
        } catch (error) {
          failed.push(cursor);
          this.failed(cursor.projector, error);
        }
      }));
      if (failed.length > 0) {
        group = group.filter((cursor) => !failed.includes(cursor));
        for (const cursor of failed) {
          if (this.statuses.get(cursor.projector.name) !== 'stopped') this.loops.push(this.runAlone(cursor.projector));
        }
      }
      if (group.length === 0) return;
    }
  }

  private async runAlone(projector: Projector): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      await waitForSignalOrTimeout(this.advanced, 'never', this.options.retryDelayMs ?? 1000, signal).promise;
      if (signal.aborted) break;
      try {
        const cursor = await ProjectorCursor.load(this.db, projector);
        this.moved(projector, cursor.seen, 'running');
        for await (const batch of this.store.subscribeAll({ from: cursor.seen, batchSize: this.options.batchSize ?? 500, signal })) {
          await cursor.take(this.db, batch);
          this.moved(projector, cursor.seen, 'running');
        }
      } catch (error) {
        this.failed(projector, error);
        if (this.statuses.get(projector.name) === 'stopped') return;
      }
    }
    this.statuses.set(projector.name, 'stopped');
  }

  private failed(projector: Projector, error: unknown): void {
    if (error instanceof LostOwnershipError) {
      this.options.logger?.error({ projector: projector.name }, error.message);
      this.statuses.set(projector.name, 'stopped');
      return;
    }
    this.statuses.set(projector.name, 'failing');
    this.options.logger?.error({ projector: projector.name, err: error }, 'projector batch failed; retrying from its checkpoint');
  }

  private moved(projector: Projector, position: GlobalPosition, status: ProjectorStatus) {
    this.positions.set(projector.name, position);
    this.statuses.set(projector.name, status);
    this.advanced.emit('advanced');
  }
}
