import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProvisioningOutcome } from '../../../../libs/domain/placement/namespace-placement/commands';
import { namespacePlacementDecider } from '../../../../libs/domain/placement/namespace-placement/decider';
import { namespacePlacementStream } from '../../../../libs/domain/placement/streams';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { handleCommand, HandledCommand } from '../../../../libs/event-store/src';
import { isRuntimeClientError, RuntimeClient } from '../../../../libs/runtime-client/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { TargetCredentials } from '../runtime-targets/target-credentials';

export const PROVISIONING_ATTEMPTS = 3;
const BACKOFF_MS = 150;

/** A refusal the target will repeat (bad credential, validation): retrying cannot help. */
const isFinal = (error: unknown) =>
  isRuntimeClientError(error, 'http') && error.status !== undefined && error.status < 500 && error.status !== 408 && error.status !== 429;

/**
 * Creates the runtime namespace on the target (an existing one counts as success) with a few
 * retries, then records the outcome on the placement: `NamespaceProvisioned` or
 * `NamespaceProvisioningFailed` with the reason.
 */
@Injectable()
export class NamespaceProvisioner {
  private readonly logger = new Logger('NamespaceProvisioner');

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly credentials: TargetCredentials,
  ) {}

  async provision(organizationId: string, namespace: { name: string; id: string }, target: RuntimeTargetRow, runtimeNamespace: string,
    context: CommandContext): Promise<HandledCommand<unknown, unknown>> {
    const { outcome, attempts } = await this.ensure(organizationId, namespace.name, target, runtimeNamespace, context);
    return handleCommand(this.platform.store, namespacePlacementDecider, namespacePlacementStream(organizationId, namespace.id), {
      type: 'RecordProvisioning',
      data: { runtime_target_id: target.id, runtime_namespace: runtimeNamespace, outcome, attempts },
      context: { ...context, command_id: `${context.command_id}:provision:${target.id}`, now: new Date().toISOString() },
    });
  }

  private async ensure(organizationId: string, namespace: string, target: RuntimeTargetRow, runtimeNamespace: string, context: CommandContext) {
    let last: unknown;
    for (let attempt = 1; attempt <= PROVISIONING_ATTEMPTS; attempt++) {
      try {
        const result = await this.client.ensureNamespace(target.base_url, this.credentials.open(target), {
          name: runtimeNamespace, description: `Durable Workflow Cloud namespace ${namespace} of ${organizationId}`,
        }, { requestId: context.request_id, correlationId: context.correlation_id });
        return { outcome: { status: 'provisioned', created: result.created } as ProvisioningOutcome, attempts: attempt };
      } catch (error) {
        last = error;
        if (!isRuntimeClientError(error)) this.logger.error({ err: error, runtime_target_id: target.id }, 'provisioning failed unexpectedly');
        if (!isRuntimeClientError(error) || isFinal(error) || attempt === PROVISIONING_ATTEMPTS) {
          return { outcome: failure(error), attempts: attempt };
        }
        await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS * attempt));
      }
    }
    return { outcome: failure(last), attempts: PROVISIONING_ATTEMPTS };
  }
}

const failure = (error: unknown): ProvisioningOutcome => ({
  status: 'failed',
  reason: isRuntimeClientError(error) ? error.kind : 'internal_error',
  detail: isRuntimeClientError(error) ? error.message : 'provisioning failed unexpectedly',
});
