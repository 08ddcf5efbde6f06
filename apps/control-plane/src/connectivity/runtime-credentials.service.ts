import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RuntimeCredentialCommand } from '../../../../libs/domain/placement/runtime-credential/commands';
import { runtimeCredentialDecider, RuntimeCredentialState } from '../../../../libs/domain/placement/runtime-credential/decider';
import { RuntimeCredentialEvent } from '../../../../libs/domain/placement/runtime-credential/events';
import { runtimeCredentialStream } from '../../../../libs/domain/placement/streams';
import { notFound } from '../../../../libs/domain/shared/errors';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { HandledCommand, loadState } from '../../../../libs/event-store/src';
import { ControlPlaneConfig } from '../config/config';
import { PROCESS_DEFAULTS } from '../config/process-config';
import { ExecuteRuntimeCredentialCommand } from '../placement/placement.commands';
import { isRuntimeClientError, RuntimeClient, RuntimeClientError } from '../../../../libs/runtime-client/src';
import { ProblemException } from '../http/problem';
import { Platform } from '../platform/platform';
import { crashPoint } from '../platform/crash-point';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetQueries, RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { issueRuntimeToken } from '../runtime-targets/secret-tokens';
import { TargetCredentials } from '../runtime-targets/target-credentials';
import { ActivePlacement } from './active-placement';

const targetFailure = (error: RuntimeClientError) => new ProblemException(502, 'runtime-target-failed', 'Bad Gateway',
  `the runtime target refused or did not answer: ${error.message}`, { reason: error.reason ?? error.kind });

/**
 * Namespace-scoped runtime credentials: the token is made here, shown once, and recorded by prefix and
 * hash only. The intent is recorded before the target is called and the outcome after; a request that
 * fails or dies in between is abandoned (at once, or by its process when `abandon_at` passes) and the
 * runtime-credential-issuance process revokes whatever the target created.
 */
@Injectable()
export class RuntimeCredentials {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly commands: CommandBus,
    private readonly credentials: TargetCredentials,
    private readonly targets: RuntimeTargetQueries,
  ) {}

  async issue(organizationId: string, namespace: { name: string; id: string }, placement: ActivePlacement, credentialId: string,
    body: { name: string; role: 'client' | 'worker' }, context: CommandContext) {
    const token = issueRuntimeToken();
    const facts = {
      credential_id: credentialId, namespace: namespace.name, namespace_id: namespace.id, name: body.name, role: body.role,
      runtime_target_id: placement.target.id, runtime_namespace: placement.runtime_namespace, token_prefix: token.prefix, token_hash: token.hash,
    };
    const abandonAfter = this.config.credentialAbandonAfterMs ?? PROCESS_DEFAULTS.credentialAbandonAfterMs;
    const abandon_at = new Date(Date.parse(context.now) + abandonAfter).toISOString();
    const step = (name: string): CommandContext => ({ ...context, command_id: `${context.command_id}:${name}` });
    await this.execute(organizationId, credentialId, { type: 'RequestRuntimeCredential', data: { ...facts, abandon_at }, context: step('request') });
    crashPoint('credential:requested');
    const { target } = placement;
    try {
      await this.onTarget(() => this.client.upsertCredential(target.base_url, this.credentials.open(target), credentialId, {
        name: body.name, subject: `dwc:${organizationId}:${credentialId}`, roles: [body.role], tenant: placement.runtime_namespace,
        claims: { cloud_organization: organizationId, cloud_namespace: namespace.name }, token: token.token,
      }, { requestId: context.request_id, correlationId: context.correlation_id }));
    } catch (error) {
      // The target may have created it before failing: abandoned now, the process revokes it there.
      await this.execute(organizationId, credentialId, {
        type: 'AbandonRuntimeCredential', data: { credential_id: credentialId, reason: 'the runtime target refused or did not answer' }, context: step('abandon'),
      });
      throw error;
    }
    crashPoint('credential:created');
    const result = await this.execute(organizationId, credentialId, { type: 'IssueRuntimeCredential', data: facts, context: step('issue') });
    return { token: token.token, token_prefix: token.prefix, position: result.position };
  }

  async rotate(organizationId: string, namespaceId: string, credentialId: string, context: CommandContext) {
    const { target, stream } = await this.load(organizationId, namespaceId, credentialId);
    const token = issueRuntimeToken();
    const command: RuntimeCredentialCommand = { type: 'RotateRuntimeCredential', data: { credential_id: credentialId, token_prefix: token.prefix, token_hash: token.hash }, context };
    runtimeCredentialDecider.decide(command, (await loadState(this.platform.store, runtimeCredentialDecider, stream)).state);
    await this.onTarget(() => this.client.rotateCredential(target.base_url, this.credentials.open(target), credentialId, { token: token.token },
      { requestId: context.request_id, correlationId: context.correlation_id }));
    const result = await this.execute(organizationId, credentialId, command);
    return { token: token.token, token_prefix: token.prefix, position: result.position };
  }

  async revoke(organizationId: string, namespaceId: string, credentialId: string, context: CommandContext) {
    const { target, revoked } = await this.load(organizationId, namespaceId, credentialId);
    if (!revoked) {
      await this.onTarget(() => this.client.revokeCredential(target.base_url, this.credentials.open(target), credentialId,
        { requestId: context.request_id, correlationId: context.correlation_id }), true);
    }
    return this.execute(organizationId, credentialId, { type: 'RevokeRuntimeCredential', data: { credential_id: credentialId }, context });
  }

  private execute(organizationId: string, credentialId: string, command: RuntimeCredentialCommand): Promise<HandledCommand<RuntimeCredentialState, RuntimeCredentialEvent>> {
    return this.commands.execute(new ExecuteRuntimeCredentialCommand(organizationId, credentialId, command));
  }

  /** The credential of this organization and the target that holds it; another organization's is not found. */
  private async load(organizationId: string, namespaceId: string, credentialId: string): Promise<{ target: RuntimeTargetRow; stream: string; revoked: boolean }> {
    const row = await this.platform.storage.db.selectFrom('runtime_credentials').select(['runtime_target_id', 'state'])
      .where('organization_id', '=', organizationId).where('namespace_id', '=', namespaceId).where('id', '=', credentialId).executeTakeFirst();
    const target = row ? await this.targets.visible(organizationId, row.runtime_target_id) : undefined;
    if (!row || !target) throw notFound('runtime credential');
    return { target, stream: runtimeCredentialStream(organizationId, credentialId), revoked: row.state === 'revoked' };
  }

  private async onTarget<T>(call: () => Promise<T>, notFoundIsDone = false): Promise<T | null> {
    try {
      return await call();
    } catch (error) {
      if (notFoundIsDone && isRuntimeClientError(error, 'http') && error.status === 404) return null;
      throw isRuntimeClientError(error) ? targetFailure(error) : error;
    }
  }
}
