import { EventEmitter } from 'node:events';
import { EventStore } from '../../../event-store/src/event-store';
import { comparePositions, GlobalPosition, START } from '../../../event-store/src/position';
import { waitForSignalOrTimeout } from '../../../event-store/src/wait';
import { advanceCheckpoint, createCheckpointsTable, loadCheckpoint, LostOwnershipError, readCheckpoints } from './checkpoints';
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
 * Runs each projector in its own loop: read a batch after its checkpoint, then one transaction that
 * moves the checkpoint (compare-and-set) and writes the rows. A crash anywhere leaves either both or
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
    this.loops = this.projectors.map((projector) => this.run(projector));
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all(this.loops);
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

  private async run(projector: Projector): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        let checkpoint = await loadCheckpoint(this.db, projector.name);
        this.moved(projector, checkpoint, 'running');
        for await (const batch of this.store.subscribeAll({ from: checkpoint, batchSize: this.options.batchSize ?? 500, signal })) {
          const to = batch[batch.length - 1].position;
          const relevant = batch.filter((event) => projector.handles.has(event.type));
          const from = checkpoint;
          await this.db.transaction().execute(async (trx) => {
            await advanceCheckpoint(trx, projector.name, from, to);
            if (relevant.length > 0) await projector.applyBatch(trx, relevant);
          });
          checkpoint = to;
          this.moved(projector, checkpoint, 'running');
        }
      } catch (error) {
        if (error instanceof LostOwnershipError) {
          this.options.logger?.error({ projector: projector.name }, error.message);
          this.statuses.set(projector.name, 'stopped');
          return;
        }
        this.statuses.set(projector.name, 'failing');
        this.options.logger?.error({ projector: projector.name, err: error }, 'projector batch failed; retrying from its checkpoint');
        await waitForSignalOrTimeout(this.advanced, 'never', this.options.retryDelayMs ?? 1000, signal).promise;
      }
    }
    this.statuses.set(projector.name, 'stopped');
  }

  private moved(projector: Projector, position: GlobalPosition, status: ProjectorStatus) {
    this.positions.set(projector.name, position);
    this.statuses.set(projector.name, status);
    this.advanced.emit('advanced');
  }
}
