import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PlacementLookups } from '../../../../libs/domain/placement/namespace-placement/commands';
import { namespacePlacementDecider, NamespacePlacementState } from '../../../../libs/domain/placement/namespace-placement/decider';
import { NamespaceMigrated, NamespacePlacementEvent } from '../../../../libs/domain/placement/namespace-placement/events';
import { deriveRuntimeNamespace } from '../../../../libs/domain/placement/runtime-namespace';
import { namespacePlacementStream } from '../../../../libs/domain/placement/streams';
import { notFound } from '../../../../libs/domain/shared/errors';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { namespaceDecider } from '../../../../libs/domain/tenancy/namespace/decider';
import { organizationDecider } from '../../../../libs/domain/tenancy/organization/decider';
import { namespaceStream, organizationStream } from '../../../../libs/domain/tenancy/streams';
import { comparePositions, GlobalPosition, HandledCommand, loadState } from '../../../../libs/event-store/src';
import { ControlPlaneConfig } from '../config/config';
import { PROCESS_DEFAULTS } from '../config/process-config';
import { Platform } from '../platform/platform';
import { crashPoint } from '../platform/crash-point';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { RuntimeTargetQueries, RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { ExecutePlacementCommand } from './placement.commands';
import { RuntimeNamespaceClaims } from './runtime-namespace-claims';

export interface PlacementChange {
  /** Global position of the last event written (null: nothing changed). */
  readonly position: GlobalPosition | null;
  /** True when provisioning on the target has an outcome (provisioned or failed); false: it goes on in its process. */
  readonly settled: boolean;
  readonly migration?: NamespaceMigrated['data'];
}

interface Loaded {
  readonly namespace: { readonly name: string; readonly id: string };
  readonly target: RuntimeTargetRow | undefined;
  readonly lookups: PlacementLookups;
  readonly placement: NamespacePlacementState;
}

const later = (a: GlobalPosition | null, b: GlobalPosition | null) => (a === null ? b : b === null ? a : comparePositions(a, b) >= 0 ? a : b);

/**
 * Assignment and migration: load what the rules need, check them before anything is written (so a
 * refusal claims no name), claim the runtime namespace on the target and record the placement. The
 * namespace-provisioning process creates it on the target and records the outcome; the request waits
 * a short bound for that outcome and otherwise answers while the process goes on.
 */
@Injectable()
export class PlacementService {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    private readonly commands: CommandBus,
    private readonly targets: RuntimeTargetQueries,
    private readonly claims: RuntimeNamespaceClaims,
  ) {}

  /** Rules only: throws what `assign` would (404 target or namespace, 403 billing-restricted, 409 placed elsewhere). */
  async checkAssignable(organizationId: string, namespace: string | null, runtimeTargetId: string, context: CommandContext): Promise<void> {
    const target = await this.targets.visible(organizationId, runtimeTargetId);
    const lookups: PlacementLookups = {
      namespace: { name: namespace ?? 'new', id: 'new' },
      target: target ? { id: target.id, organization_id: target.organization_id } : null,
      organization_restricted: await this.restricted(organizationId),
    };
    namespacePlacementDecider.decide({
      type: 'AssignRuntimeTarget', data: { ...lookups, runtime_target_id: runtimeTargetId, runtime_namespace: deriveRuntimeNamespace(organizationId, namespace ?? 'new') }, context,
    }, namespacePlacementDecider.initialState());
  }

  async assign(organizationId: string, namespace: string, runtimeTargetId: string, context: CommandContext): Promise<PlacementChange> {
    const loaded = await this.load(organizationId, namespace, runtimeTargetId);
    const current = loaded.placement.status === 'placed' && loaded.placement.current.runtime_target_id === runtimeTargetId ? loaded.placement.current : null;
    namespacePlacementDecider.decide({
      type: 'AssignRuntimeTarget',
      data: { ...loaded.lookups, runtime_target_id: runtimeTargetId, runtime_namespace: current?.runtime_namespace ?? deriveRuntimeNamespace(organizationId, namespace) },
      context,
    }, loaded.placement);
    const runtimeNamespace = current?.runtime_namespace ?? await this.claims.claim(organizationId, loaded.namespace, runtimeTargetId, context);
    crashPoint('placement:claimed');
    const assigned: HandledCommand<NamespacePlacementState, NamespacePlacementEvent> = await this.commands.execute(new ExecutePlacementCommand(organizationId, loaded.namespace.id, {
      type: 'AssignRuntimeTarget',
      data: { ...loaded.lookups, runtime_target_id: runtimeTargetId, runtime_namespace: runtimeNamespace },
      context: { ...context, command_id: `${context.command_id}:assign` },
    }));
    return this.settle(organizationId, loaded.namespace.id, assigned.position);
  }

  async migrate(organizationId: string, namespace: string, toRuntimeTargetId: string, reason: string, context: CommandContext): Promise<PlacementChange> {
    const loaded = await this.load(organizationId, namespace, toRuntimeTargetId);
    const command = (runtime_namespace: string) => ({
      type: 'MigrateNamespace' as const,
      data: { ...loaded.lookups, to_runtime_target_id: toRuntimeTargetId, runtime_namespace, reason },
      context: { ...context, command_id: `${context.command_id}:migrate` },
    });
    namespacePlacementDecider.decide(command(deriveRuntimeNamespace(organizationId, namespace)), loaded.placement);
    const runtimeNamespace = await this.claims.claim(organizationId, loaded.namespace, toRuntimeTargetId, context);
    const migrated: HandledCommand<NamespacePlacementState, NamespacePlacementEvent> = await this.commands.execute(
      new ExecutePlacementCommand(organizationId, loaded.namespace.id, command(runtimeNamespace)));
    const event = migrated.events.find((e) => e.type === 'NamespaceMigrated') as NamespaceMigrated | undefined;
    return { ...await this.settle(organizationId, loaded.namespace.id, migrated.position), migration: event?.data };
  }

  /** Waits (bounded) for the provisioning outcome the process records on the placement stream. */
  private async settle(organizationId: string, namespaceId: string, position: GlobalPosition | null): Promise<PlacementChange> {
    const stream = namespacePlacementStream(organizationId, namespaceId);
    const deadline = Date.now() + (this.config.provisioningWaitMs ?? PROCESS_DEFAULTS.provisioningWaitMs);
    for (;;) {
      const recorded = await this.platform.store.readStream(stream);
      const state = recorded.reduce((s, e) => namespacePlacementDecider.evolve(s, e as unknown as NamespacePlacementEvent), namespacePlacementDecider.initialState());
      const last = recorded.length > 0 ? recorded[recorded.length - 1].position : null;
      const settled = state.status !== 'placed' || state.current.provisioning.status !== 'pending';
      if (settled || Date.now() >= deadline) return { position: later(position, settled ? last : position), settled };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async load(organizationId: string, namespace: string, runtimeTargetId: string): Promise<Loaded> {
    const { state } = await loadState(this.platform.store, namespaceDecider, namespaceStream(organizationId, namespace));
    if (state.status !== 'active') throw notFound(`namespace ${namespace}`);
    const target = await this.targets.visible(organizationId, runtimeTargetId);
    const placement = await loadState(this.platform.store, namespacePlacementDecider, namespacePlacementStream(organizationId, state.id));
    const lookups: PlacementLookups = {
      namespace: { name: state.name, id: state.id },
      target: target ? { id: target.id, organization_id: target.organization_id } : null,
      organization_restricted: await this.restricted(organizationId),
    };
    return { namespace: { name: state.name, id: state.id }, target, lookups, placement: placement.state };
  }

  private async restricted(organizationId: string): Promise<boolean> {
    const { state } = await loadState(this.platform.store, organizationDecider, organizationStream(organizationId));
    return state.status === 'active' && state.restricted;
  }
}
