import { isSupportedControlPlaneVersion } from './control-plane-protocol';

export type TargetRefusal =
  | 'unreachable'
  | 'timeout'
  | 'credential_refused'
  | 'unsupported_control_plane_version'
  | 'missing_manifest'
  | 'invalid_response';

/** Cluster info as Cloud reads it. Unknown and newer fields (topology, …) stay available in `raw`. */
export interface ClusterInfo {
  readonly server_id: string;
  /** Build identity only; never used to decide compatibility. */
  readonly version: string | null;
  readonly default_namespace: string;
  readonly capabilities: Readonly<Record<string, unknown>>;
  readonly limits: Readonly<Record<string, unknown>>;
  readonly control_plane: {
    /** Normalized: servers send "2", the published schema says 2. */
    readonly version: '2';
    readonly header: string | null;
    readonly request_contract: unknown;
    readonly response_contract: unknown;
  };
  readonly worker_protocol: { readonly version: string | null; readonly server_capabilities: unknown } | null;
  readonly worker_fleet: Readonly<Record<string, unknown>> | null;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Thrown by `clusterInfo`; `verifyTarget` turns it into a refusal result. */
export class TargetRefusedError extends Error {
  constructor(
    readonly reason: TargetRefusal,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'TargetRefusedError';
  }
}

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const objectOr = (value: unknown, fallback: Json | null): Json | null => (isObject(value) ? value : fallback);
const stringOr = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Validates a cluster info document. Compatibility is decided from `control_plane.version` alone,
 * and a target without that manifest is refused (fail closed) rather than assumed compatible.
 */
export const parseClusterInfo = (body: unknown): ClusterInfo => {
  if (!isObject(body)) throw new TargetRefusedError('invalid_response', 'cluster info is not a JSON object');
  const manifest = body.control_plane;
  if (!isObject(manifest) || manifest.version === undefined || manifest.version === null) {
    throw new TargetRefusedError('missing_manifest', 'cluster info has no control_plane.version manifest');
  }
  if (!isSupportedControlPlaneVersion(manifest.version)) {
    throw new TargetRefusedError('unsupported_control_plane_version', `target speaks control-plane version ${JSON.stringify(manifest.version)}, Cloud needs 2`);
  }
  if (typeof body.server_id !== 'string' || body.server_id === '') throw new TargetRefusedError('invalid_response', 'cluster info has no server_id');
  if (typeof body.default_namespace !== 'string') throw new TargetRefusedError('invalid_response', 'cluster info has no default_namespace');
  const workerProtocol = objectOr(body.worker_protocol, null);
  return {
    server_id: body.server_id,
    version: stringOr(body.version),
    default_namespace: body.default_namespace,
    capabilities: objectOr(body.capabilities, {}) ?? {},
    limits: objectOr(body.limits, {}) ?? {},
    control_plane: {
      version: '2',
      header: stringOr(manifest.header),
      request_contract: manifest.request_contract ?? null,
      response_contract: manifest.response_contract ?? null,
    },
    worker_protocol: workerProtocol ? { version: stringOr(workerProtocol.version), server_capabilities: workerProtocol.server_capabilities ?? null } : null,
    worker_fleet: objectOr(body.worker_fleet, null),
    raw: body,
  };
};
