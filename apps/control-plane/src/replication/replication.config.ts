/** Replication settings (read from the environment once, at start). */
export interface ReplicationConfig {
  /** DWC_REPLICATION_CHECK_INTERVAL_MS: how often the saga checks both targets (default 60000, at least 1000). */
  readonly checkIntervalMs: number;
  /** DWC_REPLICATION_MAX_LAG_SECONDS: a manual failover above this lag needs accept_lag (default 60). */
  readonly maxLagSeconds: number;
}

export function loadReplicationConfig(env: NodeJS.ProcessEnv = process.env): ReplicationConfig {
  const interval = env.DWC_REPLICATION_CHECK_INTERVAL_MS === undefined || env.DWC_REPLICATION_CHECK_INTERVAL_MS === '' ? 60_000 : Number(env.DWC_REPLICATION_CHECK_INTERVAL_MS);
  if (!Number.isSafeInteger(interval) || interval < 1000) throw new Error(`DWC_REPLICATION_CHECK_INTERVAL_MS must be a whole number of milliseconds of at least 1000, got ${env.DWC_REPLICATION_CHECK_INTERVAL_MS}`);
  const lag = env.DWC_REPLICATION_MAX_LAG_SECONDS === undefined || env.DWC_REPLICATION_MAX_LAG_SECONDS === '' ? 60 : Number(env.DWC_REPLICATION_MAX_LAG_SECONDS);
  if (!Number.isFinite(lag) || lag < 0) throw new Error(`DWC_REPLICATION_MAX_LAG_SECONDS must be a number of seconds, got ${env.DWC_REPLICATION_MAX_LAG_SECONDS}`);
  return { checkIntervalMs: interval, maxLagSeconds: lag };
}
