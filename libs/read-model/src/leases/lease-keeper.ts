import { HeldLease, Leases } from './leases';

export interface LeaseKeeperLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Keeps trying to hold every lease in `names`: renews the ones held, takes over the ones whose holder
 * stopped renewing, and reports each change of the held set. A lease is given up locally a safety
 * margin before it could expire in the database, so two holders never both believe they hold it.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, { lease: HeldLease; renewedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly leases: Leases,
    private readonly names: readonly string[],
    private readonly onChange: (held: ReadonlySet<string>) => void,
    private readonly logger?: LeaseKeeperLogger,
  ) {}

  start(): void {
    const loop = () => {
      this.ticking = this.tick().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.leases.renewEveryMs);
      });
    };
    loop();
  }

  /** True while the lease is held with time to spare (a fencing check before acting on it). */
  holds(name: string): boolean {
    const entry = this.held.get(name);
    return entry !== undefined && Date.now() - entry.renewedAt < this.leases.ttlMs * 0.8;
  }

  token(name: string): bigint | undefined {
    return this.holds(name) ? this.held.get(name)?.lease.token : undefined;
  }

  get heldNames(): ReadonlySet<string> {
    return new Set([...this.held.keys()].filter((name) => this.holds(name)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    const names = [...this.held.keys()];
    this.held.clear();
    await Promise.all(names.map((name) => this.leases.release(name).catch(() => undefined)));
  }

  private async tick(): Promise<void> {
    const before = this.heldNames;
    for (const name of this.names) {
      if (this.stopped) return;
      try {
        const lease = await this.leases.acquire(name);
        if (lease) {
          const previous = this.held.get(name);
          if (previous && previous.lease.token !== lease.token) this.held.delete(name);
          this.held.set(name, { lease, renewedAt: Date.now() });
        } else if (this.held.delete(name)) {
          this.logger?.info({ lease: name }, 'lease taken over by another instance');
        }
      } catch (error) {
        // The database is unreachable: keep what is held until its margin runs out, then let it go.
        if (this.held.has(name) && !this.holds(name)) this.held.delete(name);
        this.logger?.error({ lease: name, err: error }, 'lease could not be renewed');
      }
    }
    const after = this.heldNames;
    if (after.size !== before.size || [...after].some((name) => !before.has(name))) this.onChange(after);
  }
}
