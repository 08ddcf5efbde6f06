import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EnrollmentTargetLookup } from '../../../../libs/domain/replication/namespace-replication/commands';
import { Enrolled, manualSwitchReasons, NamespaceReplicationState, predictedRpo } from '../../../../libs/domain/replication/namespace-replication/decider';
import { ReplicationCheckRecorded, SwitchKind } from '../../../../libs/domain/replication/namespace-replication/events';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { GlobalPosition, HandledCommand, RecordedEvent } from '../../../../libs/event-store/src';
import { RuntimeClient } from '../../../../libs/runtime-client/src';
import { ActivePlacements } from '../connectivity/active-placement';
import { notFoundProblem } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { RuntimeTargetQueries, RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { ExecuteReplicationCommand, loadReplication } from './replication.commands';
import { loadReplicationConfig, ReplicationConfig } from './replication.config';

const UNHEALTHY = new Set(['unhealthy', 'unreachable', 'degraded']);
const RECENT_DECISIONS = 20;

export interface NamespaceRef { readonly id: string; readonly name: string }

/** Enrollment, manual switches and the view of a replicated namespace, all on the enrollment's stream. */
@Injectable()
export class ReplicationService {
  readonly config: ReplicationConfig = loadReplicationConfig();

  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly commands: CommandBus,
    private readonly targets: RuntimeTargetQueries,
    private readonly placements: ActivePlacements,
  ) {}

  load(organizationId: string, namespaceId: string) {
    return loadReplication(this.platform, organizationId, namespaceId);
  }

  private async lookup(organizationId: string, id: string): Promise<EnrollmentTargetLookup | null> {
    const target = await this.targets.visible(organizationId, id);
    if (!target) return null;
    const ready = await this.client.ready(target.base_url, { timeoutMs: 2000 });
    return {
      id: target.id, region: target.region, provider: target.provider, organization_id: target.organization_id,
      healthy: ready.ready && !UNHEALTHY.has(target.health_status), health_detail: ready.ready ? target.health_detail : ready.detail,
    };
  }

  async enroll(organizationId: string, namespace: NamespaceRef, body: Record<string, unknown>, context: CommandContext): Promise<HandledCommand<NamespaceReplicationState, never>> {
    const secondaryId = typeof body.secondary_runtime_target_id === 'string' ? body.secondary_runtime_target_id : '';
    const placement = await this.placements.require(organizationId, namespace.id);
    const provisioned = placement.provisioning_status === 'provisioned';
    const [home, secondary] = await Promise.all([
      provisioned ? this.lookup(organizationId, placement.target.id) : Promise.resolve(null),
      secondaryId ? this.lookup(organizationId, secondaryId) : Promise.resolve(null),
    ]);
    const enrollmentId = `enr_${createHash('sha256').update(context.command_id).digest('hex').slice(0, 24)}`;
    return this.commands.execute(new ExecuteReplicationCommand(organizationId, namespace.id, {
      type: 'EnrollReplication',
      data: {
        namespace: { name: namespace.name, id: namespace.id }, home, secondary, secondary_runtime_target_id: secondaryId,
        runtime_namespace: provisioned ? placement.runtime_namespace : null, enrollment_id: enrollmentId,
        failover_after_failed_checks: body.failover_after_failed_checks, failback_after_healthy_checks: body.failback_after_healthy_checks,
        automatic_failover: body.automatic_failover,
      },
      context,
    }));
  }

  leave(organizationId: string, namespaceId: string, context: CommandContext) {
    return this.commands.execute(new ExecuteReplicationCommand(organizationId, namespaceId, { type: 'LeaveReplication', data: {}, context }));
  }

  setAutomatic(organizationId: string, namespaceId: string, automatic: unknown, context: CommandContext) {
    return this.commands.execute(new ExecuteReplicationCommand(organizationId, namespaceId, { type: 'SetAutomaticFailover', data: { automatic_failover: automatic }, context }));
  }

  /** Go or no-go of a manual switch from the enrollment's last recorded check (changes nothing). */
  dryRun(state: Enrolled, kind: SwitchKind, acceptLag: boolean) {
    const verdict = manualSwitchReasons(state, kind, acceptLag, this.config.maxLagSeconds);
    return { go: verdict.go, reasons: verdict.reasons, predicted_rpo_seconds: predictedRpo(state, kind), lag_refused: verdict.lag_refused };
  }

  manualSwitch(organizationId: string, namespaceId: string, kind: SwitchKind, body: { accept_lag?: unknown; reason?: unknown }, context: CommandContext) {
    return this.commands.execute(new ExecuteReplicationCommand(organizationId, namespaceId, {
      type: 'StartSwitch', data: { kind, manual: true, accept_lag: body.accept_lag, reason: body.reason, max_lag_seconds: this.config.maxLagSeconds, decision: null }, context,
    })) as Promise<HandledCommand<NamespaceReplicationState, never> & { position: GlobalPosition | null }>;
  }

  private async targetView(organizationId: string, id: string) {
    const t: RuntimeTargetRow | undefined = await this.targets.visible(organizationId, id);
    return { id, region: t?.region ?? null, base_url: t?.base_url ?? null };
  }

  /** The contract's fields, the saga's state and the recent decisions. */
  async view(organizationId: string, state: Enrolled, events: readonly RecordedEvent[]) {
    const checks = events.filter((e) => e.type === 'ReplicationCheckRecorded').slice(-RECENT_DECISIONS).reverse()
      .map((e) => {
        const d = e.data as ReplicationCheckRecorded['data'];
        return { check: d.check, checked_at: d.checked_at, home_ready: d.home.ready, secondary_ready: d.secondary.ready, ...d.decision };
      });
    const switches = events.filter((e) => e.type === 'ReplicationSwitchStarted' || e.type === 'ReplicationSwitchCompleted' || e.type === 'ReplicationSwitchAborted')
      .slice(-RECENT_DECISIONS).reverse().map((e) => ({ type: e.type, ...(e.data as object) }));
    const standby = state.current_primary === state.home.id ? state.secondary.id : state.home.id;
    const observedStandby = standby === state.secondary.id ? state.last_check?.secondary : state.last_check?.home;
    return {
      namespace: state.namespace,
      state: state.switch ? `${state.switch.kind}_in_progress` : state.current_primary === state.home.id ? 'healthy' : 'failed_over',
      current_primary: await this.targetView(organizationId, state.current_primary),
      home_primary: await this.targetView(organizationId, state.home.id),
      secondary: await this.targetView(organizationId, state.secondary.id),
      secondary_region: state.secondary.region,
      lag_seconds: observedStandby?.lag_seconds ?? null,
      last_successful_replication_at: observedStandby?.last_successful_replication_at ?? null,
      last_failover_at: state.last_failover_at,
      last_failback_at: state.last_failback_at,
      automatic_failover: state.automatic_failover,
      epoch: state.epoch,
      failover_after_failed_checks: state.failover_after_failed_checks,
      failback_after_healthy_checks: state.failback_after_healthy_checks,
      check_interval_ms: this.config.checkIntervalMs,
      saga: {
        enrollment_id: state.enrollment_id,
        checks: state.checks,
        last_checked_at: state.last_check?.checked_at ?? null,
        home_consecutive_failed: state.home_consecutive_failed,
        home_consecutive_healthy: state.home_consecutive_healthy,
        standby_fenced: state.standby_fenced,
        switch: state.switch,
      },
      recent_decisions: checks,
      recent_switches: switches,
      enrolled_at: state.enrolled_at,
    };
  }

  async require(organizationId: string, namespaceId: string): Promise<{ state: Enrolled; events: RecordedEvent[] }> {
    const { state, events } = await this.load(organizationId, namespaceId);
    if (state.status !== 'enrolled') throw notFoundProblem('replication enrollment');
    return { state, events };
  }
}
