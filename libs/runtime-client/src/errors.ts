/** Why a call to a runtime target failed, as a caller needs to branch on it. */
export type RuntimeFailureKind =
  /** Connection refused, DNS failure, reset before a response: the target is not there. */
  | 'unreachable'
  /** No complete response within the timeout. */
  | 'timeout'
  /** The target answered with a non-2xx status; `status`, `reason` and `body` say which. */
  | 'http'
  /** The target answered 2xx with a body that is not what the contract says. */
  | 'invalid_response';

export class RuntimeClientError extends Error {
  constructor(
    readonly kind: RuntimeFailureKind,
    message: string,
    readonly details: { readonly status?: number; readonly reason?: string | null; readonly body?: unknown } = {},
  ) {
    super(message);
    this.name = 'RuntimeClientError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  /** The runtime's machine-readable `reason` (e.g. `stale_replication_epoch`), when it gave one. */
  get reason(): string | null {
    return this.details.reason ?? null;
  }
}

export const isRuntimeClientError = (error: unknown, kind?: RuntimeFailureKind): error is RuntimeClientError =>
  error instanceof RuntimeClientError && (kind === undefined || error.kind === kind);
