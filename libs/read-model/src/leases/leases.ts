import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AnyDb } from '../projection/projector';

export interface LeasesTable {
  name: string;
  holder: string;
  /** Fencing token: grows by one each time another holder takes the lease over. */
  token: bigint | string;
  expires_at: Date;
}

export async function createLeasesTable(db: AnyDb): Promise<void> {
  await sql`
    create table if not exists leases (
      name text primary key,
      holder text not null,
      token bigint not null,
      expires_at timestamptz not null
    )`.execute(db);
}

export interface LeaseOptions {
  /** How long a lease lives without renewal; a standby takes over at most this long after the holder dies. */
  readonly ttlMs?: number;
  /** How often held leases are renewed and free ones tried. */
  readonly renewEveryMs?: number;
  readonly holder?: string;
}

export interface HeldLease {
  readonly name: string;
  readonly token: bigint;
}

/**
 * Leases in one row each, decided by the database clock: a lease is taken when free or expired, renewed
 * by its holder, and every takeover increments the fencing token. Expiry is judged by PostgreSQL's
 * `now()`, so replicas with skewed clocks still agree who holds what.
 */
export class Leases {
  readonly holder: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;

  constructor(private readonly db: AnyDb, options: LeaseOptions = {}) {
    this.holder = options.holder ?? `${process.pid}-${randomUUID()}`;
    this.ttlMs = options.ttlMs ?? 5000;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(100, Math.floor(this.ttlMs / 5));
  }

  /** Takes or renews `name`; null when another holder's lease is still alive. */
  async acquire(name: string): Promise<HeldLease | null> {
    const ttl = `${this.ttlMs} milliseconds`;
    const result = await sql<{ token: string | bigint }>`
      insert into leases (name, holder, token, expires_at) values (${name}, ${this.holder}, 1, now() + ${ttl}::interval)
      on conflict (name) do update
        set holder = excluded.holder,
            token = leases.token + case when leases.holder = excluded.holder then 0 else 1 end,
            expires_at = excluded.expires_at
        where leases.holder = excluded.holder or leases.expires_at < now()
      returning token`.execute(this.db);
    const row = result.rows[0];
    return row ? { name, token: BigInt(row.token) } : null;
  }

  async release(name: string): Promise<void> {
    await sql`delete from leases where name = ${name} and holder = ${this.holder}`.execute(this.db);
  }

  /** Who holds each of `names` now, with a live lease. */
  async holders(names: readonly string[]): Promise<Map<string, { holder: string; token: bigint }>> {
    if (names.length === 0) return new Map();
    const rows = await sql<{ name: string; holder: string; token: string | bigint }>`
      select name, holder, token from leases where name = any(${names as string[]}) and expires_at >= now()`.execute(this.db);
    return new Map(rows.rows.map((r) => [r.name, { holder: r.holder, token: BigInt(r.token) }]));
  }
}
