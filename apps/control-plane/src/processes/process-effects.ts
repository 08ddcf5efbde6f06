import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ProvisioningOutcome } from '../../../../libs/domain/placement/namespace-placement/commands';
import { ProvisioningTarget } from '../../../../libs/domain/placement/namespace-provisioning/process';
import { PrincipalGrants } from '../../../../libs/domain/identity/principal-removal/process';
import { DomainError } from '../../../../libs/domain/shared/errors';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { NamespaceDependents } from '../../../../libs/domain/tenancy/namespace-deletion/process';
import { EventStore, parsePosition, RecordedEvent, comparePositions } from '../../../../libs/event-store/src';
import { EffectContext, EffectExecutor, FinalEffectError } from '../../../../libs/process-manager/src/process';
import { isRuntimeClientError, RuntimeClient } from '../../../../libs/runtime-client/src';
import { ExecuteApiKeyCommand, ExecuteRoleBindingsCommand } from '../identity/identity.commands';
import { ExecutePlacementCommand, ExecuteRuntimeCredentialCommand, ExecuteRuntimeNamespaceClaimCommand } from '../placement/placement.commands';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetQueries, RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { TargetCredentials } from '../runtime-targets/target-credentials';

/** A refusal the target will repeat (bad credential, validation): retrying cannot help. */
const isFinalRefusal = (error: unknown) =>
  isRuntimeClientError(error, 'http') && error.status !== undefined && error.status < 500 && error.status !== 408 && error.status !== 429;

const finalIfRefused = (error: unknown): never => {
  if (isFinalRefusal(error)) throw Object.assign(error as Error, { final: true });
  throw error;
};

/** Done already: a thing that is gone counts as removed. */
const goneIsDone = async <T>(work: () => Promise<T>): Promise<T | null> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') return null;
    if (isRuntimeClientError(error, 'http') && error.status === 404) return null;
    throw error;
  }
};

/**
 * What processes carry out: commands to aggregates (through the CommandBus, with the effect id as the
 * command id, so a repeated step appends nothing) and calls to runtime targets (with the effect id as
 * the request id, and idempotent on the target's side).
 */
@Injectable()
export class ProcessEffects {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly commands: CommandBus,
    private readonly targets: RuntimeTargetQueries,
    private readonly credentials: TargetCredentials,
  ) {}

  executors(): Record<string, EffectExecutor> {
    const bind = <P>(executor: (params: P, context: EffectContext) => Promise<unknown>): EffectExecutor =>
      (params, context) => executor.call(this, params as P, context);
    return {
      ensure_runtime_namespace: bind(this.ensureRuntimeNamespace),
      record_provisioning: bind(this.recordProvisioning),
      find_principal_grants: bind((params: { principal_id: string }, effect) => this.findPrincipalGrants(effect.organizationId, params.principal_id)),
      revoke_api_key: bind(this.revokeApiKey),
      delete_role_binding: bind(this.deleteRoleBinding),
      find_namespace_dependents: bind(this.findNamespaceDependents),
      revoke_runtime_credential: bind(this.revokeRuntimeCredential),
      disable_runtime_namespace: bind(this.disableRuntimeNamespace),
      release_runtime_namespace: bind(this.releaseRuntimeNamespace),
      abandon_runtime_credential: bind(this.abandonRuntimeCredential),
      revoke_runtime_credential_on_target: bind(this.revokeOnTarget),
    };
  }

  private context(effect: EffectContext): CommandContext {
    return {
      command_id: effect.effectId, organization_id: effect.organizationId, actor: { id: `process:${effect.process}`, kind: 'system' },
      request_id: effect.effectId, correlation_id: `${effect.process}:${effect.processId}`, now: effect.now,
    };
  }

  private async target(organizationId: string | null, id: string): Promise<RuntimeTargetRow> {
    const target = await this.targets.visible(organizationId, id);
    if (!target) throw new FinalEffectError(`runtime target ${id} is not known`);
    return target;
  }

  private async ensureRuntimeNamespace(params: ProvisioningTarget, effect: EffectContext) {
    const target = await this.target(params.organization_id, params.runtime_target_id);
    const result = await this.client.ensureNamespace(target.base_url, this.credentials.open(target), {
      name: params.runtime_namespace, description: `Durable Workflow Cloud namespace ${params.namespace} of ${params.organization_id}`,
    }, { requestId: effect.effectId, correlationId: `${effect.process}:${effect.processId}` }).catch(finalIfRefused);
    return { created: result.created };
  }

  private async recordProvisioning(params: ProvisioningTarget & { outcome: ProvisioningOutcome; attempts: number }, effect: EffectContext) {
    await this.commands.execute(new ExecutePlacementCommand(params.organization_id, params.namespace_id, {
      type: 'RecordProvisioning',
      data: { runtime_target_id: params.runtime_target_id, runtime_namespace: params.runtime_namespace, outcome: params.outcome, attempts: params.attempts },
      context: this.context(effect),
    }));
    return null;
  }

  /** The principal's keys and bindings as the event streams hold them (not the read models, which may lag). */
  async findPrincipalGrants(organizationId: string | null, principalId: string): Promise<PrincipalGrants> {
    const keys = new Set<string>();
    const bindings = new Set<string>();
    for await (const event of this.organizationEvents(organizationId, ['ApiKeyIssued', 'ApiKeyRevoked', 'RoleBindingCreated', 'RoleBindingDeleted'])) {
      const data = event.data as { key_id?: string; binding_id?: string; principal_id?: string };
      if (event.type === 'ApiKeyIssued' && data.principal_id === principalId) keys.add(data.key_id as string);
      if (event.type === 'ApiKeyRevoked') keys.delete(data.key_id as string);
      if (event.type === 'RoleBindingCreated' && data.principal_id === principalId) bindings.add(data.binding_id as string);
      if (event.type === 'RoleBindingDeleted') bindings.delete(data.binding_id as string);
    }
    return { key_ids: [...keys].sort(), binding_ids: [...bindings].sort() };
  }

  private async revokeApiKey(params: { key_id: string; reason: string }, effect: EffectContext) {
    await goneIsDone(() => this.commands.execute(new ExecuteApiKeyCommand(effect.organizationId as string, params.key_id, {
      type: 'RevokeApiKey', data: { key_id: params.key_id, reason: params.reason }, context: this.context(effect),
    })));
    return null;
  }

  private async deleteRoleBinding(params: { binding_id: string }, effect: EffectContext) {
    await goneIsDone(() => this.commands.execute(new ExecuteRoleBindingsCommand(effect.organizationId as string, {
      type: 'DeleteRoleBinding', data: { binding_id: params.binding_id }, context: this.context(effect),
    })));
    return null;
  }

  /**
   * What the deleted namespace left behind, read from the log up to the deletion itself, so whatever a
   * namespace created again under the same name gets afterwards is not touched.
   */
  private async findNamespaceDependents(params: { namespace: string; stream_id: string; event_id: string; position: string }, effect: EffectContext): Promise<NamespaceDependents> {
    const history = await this.platform.store.readStream(params.stream_id);
    const deletedAt = history.findIndex((e) => e.id === params.event_id);
    const created = history.slice(0, deletedAt === -1 ? history.length : deletedAt).reverse().find((e) => e.type === 'NamespaceCreated');
    const namespaceId = (created?.data as { namespace_id?: string } | undefined)?.namespace_id ?? null;
    const until = parsePosition(params.position);
    const credentials = new Map<string, string>();
    const bindings = new Set<string>();
    const claims = new Map<string, { runtime_target_id: string; runtime_namespace: string }>();
    const types = ['RuntimeCredentialIssued', 'RuntimeCredentialRevoked', 'RoleBindingCreated', 'RoleBindingDeleted', 'RuntimeNamespaceClaimed', 'RuntimeNamespaceReleased'];
    for await (const event of this.organizationEvents(effect.organizationId, types)) {
      if (until && comparePositions(event.position, until) > 0) break;
      const d = event.data as Record<string, unknown> & { scope?: { namespace?: string } };
      const claimKey = `${d.runtime_target_id}\u0000${d.runtime_namespace}`;
      switch (event.type) {
        case 'RuntimeCredentialIssued':
          if (d.namespace_id === namespaceId) credentials.set(d.credential_id as string, d.runtime_target_id as string);
          break;
        case 'RuntimeCredentialRevoked':
          credentials.delete(d.credential_id as string);
          break;
        case 'RoleBindingCreated':
          if (d.scope?.namespace === params.namespace) bindings.add(d.binding_id as string);
          break;
        case 'RoleBindingDeleted':
          bindings.delete(d.binding_id as string);
          break;
        case 'RuntimeNamespaceClaimed':
          if (d.namespace_id === namespaceId) claims.set(claimKey, { runtime_target_id: d.runtime_target_id as string, runtime_namespace: d.runtime_namespace as string });
          break;
        case 'RuntimeNamespaceReleased':
          if (d.namespace_id === namespaceId) claims.delete(claimKey);
          break;
      }
    }
    return {
      namespace_id: namespaceId,
      credentials: [...credentials].map(([credential_id, runtime_target_id]) => ({ credential_id, runtime_target_id })).sort((a, b) => a.credential_id.localeCompare(b.credential_id)),
      binding_ids: [...bindings].sort(),
      placements: [...claims.values()],
    };
  }

  private async revokeRuntimeCredential(params: { credential_id: string; runtime_target_id: string }, effect: EffectContext) {
    await this.revokeOnTarget(params, effect);
    await goneIsDone(() => this.commands.execute(new ExecuteRuntimeCredentialCommand(effect.organizationId as string, params.credential_id, {
      type: 'RevokeRuntimeCredential', data: { credential_id: params.credential_id }, context: this.context(effect),
    })));
    return null;
  }

  private async revokeOnTarget(params: { credential_id: string; runtime_target_id: string }, effect: EffectContext) {
    const target = await goneIsDone(() => this.target(effect.organizationId, params.runtime_target_id));
    if (!target) return null;
    await goneIsDone(() => this.client.revokeCredential(target.base_url, this.credentials.open(target), params.credential_id,
      { requestId: effect.effectId, correlationId: `${effect.process}:${effect.processId}` })).catch(finalIfRefused);
    return null;
  }

  private async disableRuntimeNamespace(params: { runtime_target_id: string; runtime_namespace: string; namespace_id: string }, effect: EffectContext) {
    const target = await this.target(effect.organizationId, params.runtime_target_id);
    await goneIsDone(() => this.client.setNamespaceStatus(target.base_url, this.credentials.open(target), params.runtime_namespace, 'disabled',
      { requestId: effect.effectId, correlationId: `${effect.process}:${effect.processId}` })).catch(finalIfRefused);
    return params;
  }

  private async releaseRuntimeNamespace(params: { runtime_target_id: string; runtime_namespace: string; namespace_id: string }, effect: EffectContext) {
    await this.commands.execute(new ExecuteRuntimeNamespaceClaimCommand(params.runtime_target_id, params.runtime_namespace, {
      type: 'ReleaseRuntimeNamespace', data: params, context: this.context(effect),
    }));
    return null;
  }

  private async abandonRuntimeCredential(params: { credential_id: string; reason: string }, effect: EffectContext) {
    await this.commands.execute(new ExecuteRuntimeCredentialCommand(effect.organizationId as string, params.credential_id, {
      type: 'AbandonRuntimeCredential', data: params, context: this.context(effect),
    }));
    return null;
  }

  /** The organization's events of some types, page by page, in log order. */
  private async *organizationEvents(organizationId: string | null, types: readonly string[]): AsyncGenerator<RecordedEvent> {
    if (!organizationId) return;
    const store: EventStore = this.platform.store;
    let from;
    for (;;) {
      const page = await store.readAll({ organizationId, types, from, limit: 500 });
      yield* page;
      if (page.length < 500) return;
      from = page[page.length - 1].position;
    }
  }
}
