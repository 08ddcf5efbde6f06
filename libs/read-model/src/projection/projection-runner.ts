import { EventEmitter } from 'node:events';
import { EventStore } from '../../../event-store/src/event-store';
import { comparePositions, GlobalPosition, START } from '../../../event-store/src/position';
import { waitForSignalOrTimeout } from '../../../event-store/src/wait';
import { createLeasesTable, Leases } from '../leases/leases';
import { LeaseKeeper } from '../leases/lease-keeper';
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
  /**
   * With leases, each projector runs in one replica only (lease `projector:<name>`); the others stand
   * by and take over when the holder stops renewing. Without, this runner runs every projector.
   */
  readonly leases?: Leases;
}

/** `standby`: another replica holds the projector's lease and runs it. */
export type ProjectorStatus = 'starting' | 'running' | 'failing' | 'standby' | 'stopped';

export const projectorLease = (name: string) => `projector:${name}`;

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
  /** The projectors this runner runs now, with the controller that stops their loops. */
  private generation = { controller: new AbortController(), loops: [] as Promise<void>[], local: new Set<string>() };
  private keeper: LeaseKeeper | undefined;
  private restarting: Promise<void> = Promise.resolve();
  private gate: Promise<void> | null = null;
  private release: (() => void) | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly db: AnyDb,
    readonly projectors: readonly Projector[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  async migrate(): Promise<void> {
    await createCheckpointsTable(this.db);
    await createLeasesTable(this.db);
    for (const projector of this.projectors) await projector.createTables(this.db);
  }

  start(): void {
    const { leases } = this.options;
    if (!leases) {
      this.runGeneration(new Set(this.projectors.map((p) => p.name)));
      return;
    }
    for (const projector of this.projectors) this.statuses.set(projector.name, 'standby');
    this.keeper = new LeaseKeeper(leases, this.projectors.map((p) => projectorLease(p.name)), (held) => {
      const names = new Set(this.projectors.map((p) => p.name).filter((name) => held.has(projectorLease(name))));
      this.restarting = this.restarting.then(() => this.runGeneration(names));
    }, this.options.logger);
    this.keeper.start();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.release?.();
    await this.keeper?.stop();
    await this.restarting;
    await this.stopGeneration();
    for (const projector of this.projectors) this.statuses.set(projector.name, 'stopped');
  }

  /**
   * Holds every projector before its next batch until the returned `resume` is called: a stalled
   * projector on demand, for fault tests and for operators who need the read models still.
   */
  pause(): () => void {
    let resume!: () => void;
    const gate = new Promise<void>((resolve) => { resume = resolve; });
    this.gate = gate;
    const release = () => {
      if (this.gate === gate) { this.gate = null; this.release = null; }
      resume();
    };
    this.release = release;
    return release;
  }

  /** Stops the loops of the projectors run so far and starts one shared loop over `names`. */
  private async runGeneration(names: ReadonlySet<string>): Promise<void> {
    await this.stopGeneration();
    if (this.controller.signal.aborted) return;
    const controller = new AbortController();
    this.controller.signal.addEventListener('abort', () => controller.abort(), { once: true });
    this.generation = { controller, loops: [], local: new Set(names) };
    for (const projector of this.projectors) if (!names.has(projector.name)) this.statuses.set(projector.name, 'standby');
    const chosen = this.projectors.filter((p) => names.has(p.name));
    if (chosen.length > 0) this.generation.loops.push(this.runShared(chosen, controller.signal));
    this.options.logger?.info({ projectors: [...names] }, 'running projectors');
  }

  private async stopGeneration(): Promise<void> {
    const { controller, loops } = this.generation;
    controller.abort();
    // Loops started while stopping (a projector leaving the group) are awaited too.
    for (let awaited = 0; awaited < loops.length; awaited = loops.length) await Promise.all(loops);
  }

  status(): Record<string, { status: ProjectorStatus; position: GlobalPosition }> {
    return Object.fromEntries(this.projectors.map((p) => [p.name, {
      status: this.statuses.get(p.name) ?? 'starting',
      position: this.positions.get(p.name) ?? START,
    }]));
  }

  /** Every projector runs here, or in another replica that holds its lease. */
  get healthy(): boolean {
    return this.projectors.every((p) => {
      const status = this.statuses.get(p.name);
      return status === 'running' || (status === 'standby' && this.keeper !== undefined);
    });
  }

  /** True once every projector has passed `position`; false if `timeoutMs` ran out first. */
  async waitFor(position: GlobalPosition, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.hasPassed(position)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.controller.signal.aborted) return false;
      if (this.projectors.every((p) => this.generation.local.has(p.name))) {
        await waitForSignalOrTimeout(this.advanced, 'advanced', remaining, this.controller.signal).promise;
      } else {
        // Projectors run in another process (apps/projector, or a replica holding their lease): their checkpoints are the truth.
        await new Promise((resolve) => setTimeout(resolve, Math.min(15, remaining)));
        const checkpoints = await readCheckpoints(this.db);
        for (const [name, at] of checkpoints) if (!this.generation.local.has(name)) this.positions.set(name, at);
      }
    }
    return true;
  }

  private hasPassed(position: GlobalPosition): boolean {
    return this.projectors.every((p) => comparePositions(this.positions.get(p.name) ?? START, position) >= 0);
  }

  /**
   * One shared read of the log feeds every projector (each still in its own transaction with its own
   * checkpoint). A projector that fails leaves the group and retries alone from its stored checkpoint.
   */
  private async runShared(projectors: readonly Projector[], signal: AbortSignal): Promise<void> {
    let group: ProjectorCursor[];
    try {
      group = await Promise.all(projectors.map((projector) => ProjectorCursor.load(this.db, projector)));
    } catch (error) {
      this.options.logger?.error({ err: error }, 'could not load projector checkpoints; running projectors one by one');
      this.generation.loops.push(...projectors.map((projector) => this.runAlone(projector, signal)));
      return;
    }
    for (const cursor of group) this.moved(cursor.projector, cursor.seen, 'running');
    const from = group.reduce((min, c) => (comparePositions(c.seen, min) < 0 ? c.seen : min), group[0]?.seen ?? START);
    const retryAlone = (cursors: readonly ProjectorCursor[]) => {
      for (const cursor of cursors) {
        const status = this.statuses.get(cursor.projector.name);
        if (status !== 'stopped' && status !== 'standby') this.generation.loops.push(this.runAlone(cursor.projector, signal));
      }
    };
    try {
      for await (const batch of this.store.subscribeAll({ from, batchSize: this.options.batchSize ?? 500, signal })) {
        const failed: ProjectorCursor[] = [];
        while (this.gate) await this.gate;
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
          retryAlone(failed);
        }
        if (group.length === 0) return;
      }
    } catch (error) {
      // The shared read failed (the database went away): every projector retries from its own checkpoint.
      for (const cursor of group) this.failed(cursor.projector, error);
      retryAlone(group);
    }
  }

  private async runAlone(projector: Projector, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await waitForSignalOrTimeout(this.advanced, 'never', this.options.retryDelayMs ?? 1000, signal).promise;
      if (signal.aborted) break;
      try {
        const cursor = await ProjectorCursor.load(this.db, projector);
        this.moved(projector, cursor.seen, 'running');
        for await (const batch of this.store.subscribeAll({ from: cursor.seen, batchSize: this.options.batchSize ?? 500, signal })) {
          while (this.gate) await this.gate;
          await cursor.take(this.db, batch);
          this.moved(projector, cursor.seen, 'running');
        }
      } catch (error) {
        this.failed(projector, error);
        const status = this.statuses.get(projector.name);
        if (status === 'stopped' || status === 'standby') return;
      }
    }
    if (!this.controller.signal.aborted && this.statuses.get(projector.name) !== 'stopped') this.statuses.set(projector.name, 'standby');
    else this.statuses.set(projector.name, 'stopped');
  }

  private failed(projector: Projector, error: unknown): void {
    if (error instanceof LostOwnershipError) {
      this.options.logger?.error({ projector: projector.name }, error.message);
      // With leases the keeper notices the takeover and hands the projector over; without, it stays stopped.
      this.statuses.set(projector.name, this.keeper ? 'standby' : 'stopped');
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
