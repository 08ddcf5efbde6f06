/** Process-manager and replica settings of the control plane (part of ControlPlaneConfig). */
export interface ProcessConfig {
  /** Run the process managers inside this process (false when another process, e.g. apps/failover, runs them). */
  readonly embeddedProcesses?: boolean;
  /** Life of a projector's or process type's lease: a standby replica takes over at most this long after the holder died. */
  readonly leaseTtlMs?: number;
  /** How long an assignment or migration waits for provisioning before answering 202. */
  readonly provisioningWaitMs?: number;
  /** How long a runtime-credential request may go without an outcome before it is abandoned and revoked on the target. */
  readonly credentialAbandonAfterMs?: number;
  /** How often due timers and retries are looked for. */
  readonly processPollMs?: number;
}

export const PROCESS_DEFAULTS = Object.freeze({
  embeddedProcesses: true,
  leaseTtlMs: 5000,
  provisioningWaitMs: 3000,
  credentialAbandonAfterMs: 60_000,
  processPollMs: 250,
});

const milliseconds = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number of milliseconds, got ${value}`);
  return parsed;
};

export function loadProcessConfig(env: NodeJS.ProcessEnv): Required<ProcessConfig> {
  return {
    embeddedProcesses: env.DWC_EMBEDDED_PROCESSES !== 'false',
    leaseTtlMs: Math.max(500, milliseconds(env.DWC_LEASE_TTL_MS, PROCESS_DEFAULTS.leaseTtlMs, 'DWC_LEASE_TTL_MS')),
    provisioningWaitMs: milliseconds(env.DWC_PROVISIONING_WAIT_MS, PROCESS_DEFAULTS.provisioningWaitMs, 'DWC_PROVISIONING_WAIT_MS'),
    credentialAbandonAfterMs: milliseconds(env.DWC_CREDENTIAL_ABANDON_AFTER_MS, PROCESS_DEFAULTS.credentialAbandonAfterMs, 'DWC_CREDENTIAL_ABANDON_AFTER_MS'),
    processPollMs: Math.max(10, milliseconds(env.DWC_PROCESS_POLL_MS, PROCESS_DEFAULTS.processPollMs, 'DWC_PROCESS_POLL_MS')),
  };
}
