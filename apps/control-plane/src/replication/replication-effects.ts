import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { NamespaceReplicationCommand } from '../../../../libs/domain/replication/namespace-replication/commands';
import { TargetObservation } from '../../../../libs/domain/replication/namespace-replication/events';
import { ReplicaObservations, ReplicationCommandParams, SetRoleParams } from '../../../../libs/domain/replication/replication-saga/process';
import { DomainError } from '../../../../libs/domain/shared/errors';
import { EffectContext, EffectExecutor, FinalEffectError } from '../../../../libs/process-manager/src/process';
import { isRuntimeClientError, RuntimeClient } from '../../../../libs/runtime-client/src';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetQueries, RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { TargetCredentials } from '../runtime-targets/target-credentials';
import { ExecuteReplicationCommand } from './replication.commands';

/** A probe never waits longer than this for either target (a hung target counts as not ready). */
const PROBE_TIMEOUT_MS = 2000;

/** What the replication saga carries out: readiness probes, role changes on the targets, and commands on the enrollment. */
@Injectable()
export class ReplicationEffects {
  constructor(
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly commands: CommandBus,
    private readonly targets: RuntimeTargetQueries,
    private readonly credentials: TargetCredentials,
  ) {}

  executors(): Record<string, EffectExecutor> {
    return {
      probe_replicas: (params, effect) => this.probe(params as { organization_id: string; home_runtime_target_id: string; secondary_runtime_target_id: string; runtime_namespace: string }, effect),
      prepare_replica: (params, effect) => this.prepare(params as SetRoleParams, effect),
      set_replica_role: (params, effect) => this.setRole(params as SetRoleParams, effect),
      replication_command: (params, effect) => this.command(params as ReplicationCommandParams, effect),
    };
  }

  private async target(organizationId: string, id: string): Promise<RuntimeTargetRow> {
    const target = await this.targets.visible(organizationId, id);
    if (!target) throw new FinalEffectError(`runtime target ${id} is not known`);
    return target;
  }

  private async observe(organizationId: string, id: string, runtimeNamespace: string, effect: EffectContext): Promise<TargetObservation> {
    const down = (detail: string): TargetObservation => ({ ready: false, detail, role: null, epoch: null, lag_seconds: null, last_successful_replication_at: null });
    const target = await this.targets.visible(organizationId, id);
    if (!target) return down('the runtime target is not known');
    const ready = await this.client.ready(target.base_url, { timeoutMs: PROBE_TIMEOUT_MS });
    if (!ready.ready) return down(ready.detail);
    try {
      const status = await this.client.getReplication(target.base_url, this.credentials.open(target), runtimeNamespace,
        { requestId: `${effect.effectId}:${id}`, correlationId: `${effect.process}:${effect.processId}` });
      return { ready: true, detail: null, role: status.role, epoch: status.epoch, lag_seconds: status.lag_seconds, last_successful_replication_at: status.last_successful_replication_at };
    } catch (error) {
      if (!isRuntimeClientError(error)) throw error;
      // Ready, but its replication status did not answer: ready for routing, lag unknown.
      return { ready: true, detail: `replication status: ${error.message}`, role: null, epoch: null, lag_seconds: null, last_successful_replication_at: null };
    }
  }

  private async probe(params: { organization_id: string; home_runtime_target_id: string; secondary_runtime_target_id: string; runtime_namespace: string }, effect: EffectContext): Promise<ReplicaObservations> {
    const [home, secondary] = await Promise.all([
      this.observe(params.organization_id, params.home_runtime_target_id, params.runtime_namespace, effect),
      this.observe(params.organization_id, params.secondary_runtime_target_id, params.runtime_namespace, effect),
    ]);
    return { checked_at: new Date().toISOString(), home, secondary };
  }

  private async setRole(params: SetRoleParams, effect: EffectContext) {
    const target = await this.target(params.organization_id, params.runtime_target_id);
    try {
      const status = await this.client.setReplication(target.base_url, this.credentials.open(target), params.runtime_namespace,
        { role: params.role, epoch: params.epoch }, { requestId: effect.effectId, correlationId: `${effect.process}:${effect.processId}` });
      return { runtime_target_id: params.runtime_target_id, role: status.role, epoch: status.epoch };
    } catch (error) {
      if (isRuntimeClientError(error, 'http') && error.status === 409) throw Object.assign(error as Error, { final: true, code: 'stale_replication_epoch' });
      if (isRuntimeClientError(error, 'http') && error.status !== undefined && error.status < 500 && error.status !== 408 && error.status !== 429) {
        throw Object.assign(error as Error, { final: true });
      }
      throw Object.assign(error as Error, { code: 'unreachable' });
    }
  }

  /** The secondary gets the runtime namespace, in the secondary role. */
  private async prepare(params: SetRoleParams, effect: EffectContext) {
    const target = await this.target(params.organization_id, params.runtime_target_id);
    await this.client.ensureNamespace(target.base_url, this.credentials.open(target), {
      name: params.runtime_namespace, description: `Durable Workflow Cloud replica of ${params.runtime_namespace}`,
    }, { requestId: `${effect.effectId}:ensure`, correlationId: `${effect.process}:${effect.processId}` });
    return this.setRole(params, effect);
  }

  private async command(params: ReplicationCommandParams, effect: EffectContext) {
    const command = {
      ...params.command,
      context: {
        command_id: effect.effectId, organization_id: params.organization_id, actor: { id: `process:${effect.process}`, kind: 'system' },
        request_id: effect.effectId, correlation_id: `${effect.process}:${effect.processId}`, now: effect.now,
      },
    } as NamespaceReplicationCommand;
    try {
      await this.commands.execute(new ExecuteReplicationCommand(params.organization_id, params.namespace_id, command));
    } catch (error) {
      if (error instanceof DomainError) throw Object.assign(new FinalEffectError(error.message), { code: error.code });
      throw error;
    }
    return null;
  }
}
