import { SimState } from './state/sim-state';

export interface FaultSnapshot {
  readonly down: boolean;
  readonly hang: boolean;
  /** Status every route answers with, or null when not failing. */
  readonly error: number | null;
  readonly wrongProtocol: boolean;
  readonly notReady: boolean;
  readonly unhealthy: boolean;
}

/** What the faults need from the listener: closing it for real, so connections are refused. */
export interface Listener {
  down(): Promise<void>;
  up(): Promise<void>;
  /** Drops requests held open by `hang`, so clients see the connection end. */
  releaseHung(): void;
}

/**
 * Fault switches for tests and demos. They combine (e.g. `wrongProtocol` with `lag`); `reset`
 * clears all of them and brings the listener back.
 */
export class FaultControl {
  private snapshot: FaultSnapshot = { down: false, hang: false, error: null, wrongProtocol: false, notReady: false, unhealthy: false };

  constructor(
    private readonly listener: Listener,
    private readonly state: SimState,
  ) {}

  get current(): FaultSnapshot {
    return this.snapshot;
  }

  /** Closes the listener: new connections are refused until `up`. */
  async down(): Promise<void> {
    this.set({ down: true });
    await this.listener.down();
  }

  /** Listens again on the same port. */
  async up(): Promise<void> {
    await this.listener.up();
    this.set({ down: false });
  }

  /** Accept connections but never answer (except the `/__sim` admin API). */
  hang(enabled = true): void {
    this.set({ hang: enabled });
    if (!enabled) this.listener.releaseHung();
  }

  /** Answer every `/api` route with this 5xx status; `null` stops. */
  error(status: number | null = 500): void {
    if (status !== null && (status < 500 || status > 599)) throw new Error(`error status must be 5xx, got ${status}`);
    this.set({ error: status });
  }

  /** Cluster info advertises control-plane version "3", which Cloud must refuse. */
  wrongProtocol(enabled = true): void {
    this.set({ wrongProtocol: enabled });
  }

  /** `/api/ready` answers 503 not_ready. */
  notReady(enabled = true): void {
    this.set({ notReady: enabled });
  }

  /** `/api/health` answers 503 degraded (and readiness fails on the database check). */
  unhealthy(enabled = true): void {
    this.set({ unhealthy: enabled });
  }

  /** Replication lag reported for one namespace, or for every namespace when none is named. */
  lag(seconds: number, namespace?: string): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`lag must be a non-negative number, got ${seconds}`);
    const targets = namespace === undefined ? [...this.state.replication.keys()] : [namespace];
    for (const name of targets) {
      this.state.replication.set(name, { ...this.state.replicationOf(name), lag_seconds: seconds });
    }
  }

  async reset(): Promise<void> {
    this.hang(false);
    this.snapshot = { ...this.snapshot, error: null, wrongProtocol: false, notReady: false, unhealthy: false };
    this.lag(0);
    if (this.snapshot.down) await this.up();
  }

  private set(change: Partial<FaultSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
  }
}
