import { Inject, Injectable } from '@nestjs/common';
import { PlacementLookups } from '../../../../libs/domain/placement/namespace-placement/commands';
import { namespacePlacementDecider, NamespacePlacementState } from '../../../../libs/domain/placement/namespace-placement/decider';
import { NamespaceMigrated } from '../../../../libs/domain/placement/namespace-placement/events';
import { deriveRuntimeNamespace } from '../../../../libs/domain/placement/runtime-namespace';
import { namespacePlacementStream } from '../../../../libs/domain/placement/streams';
import { notFound } from '../../../../libs/domain/shared/errors';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { namespaceDecider } from '../../../../libs/domain/tenancy/namespace/decider';
import { organizationDecider } from '../../../../libs/domain/tenancy/organization/decider';
import { namespaceStream, organizationStream } from '../../../../libs/domain/tenancy/streams';
import { comparePositions, GlobalPosition, handleCommand, loadState } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { RuntimeTargetQueries, RuntimeTargetRow } from '../runtime-targets/runtime-target.queries';
import { NamespaceProvisioner } from './namespace-provisioner';
import { RuntimeNamespaceClaims } from './runtime-namespace-claims';

export interface PlacementChange {
  /** Global position of the last event written (null: nothing changed). */
  readonly position: GlobalPosition | null;
  readonly migration?: NamespaceMigrated['data'];
}

interface Loaded {
  readonly namespace: { readonly name: string; readonly id: string };
  readonly target: RuntimeTargetRow | undefined;
  readonly lookups: PlacementLookups;
  readonly stream: string;
  readonly placement: NamespacePlacementState;
}

const later = (a: GlobalPosition | null, b: GlobalPosition | null) => (a === null ? b : b === null ? a : comparePositions(a, b) >= 0 ? a : b);

/**
 * Assignment and migration: load what the rules need, check them before anything is written (so a
 * refusal claims no name), claim the runtime namespace on the target, record the placement, then
 * provision the namespace on the target and record the outcome.
 */
@Injectable()
export class PlacementService {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly targets: RuntimeTargetQueries,
    private readonly claims: RuntimeNamespaceClaims,
    private readonly provisioner: NamespaceProvisioner,
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
    const assigned = await handleCommand(this.platform.store, namespacePlacementDecider, loaded.stream, {
      type: 'AssignRuntimeTarget',
      data: { ...loaded.lookups, runtime_target_id: runtimeTargetId, runtime_namespace: runtimeNamespace },
      context: { ...context, command_id: `${context.command_id}:assign` },
    });
    const provisioned = await this.provisionIfNeeded(organizationId, loaded, assigned.state, context);
    return { position: later(assigned.position, provisioned) };
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
    const migrated = await handleCommand(this.platform.store, namespacePlacementDecider, loaded.stream, command(runtimeNamespace));
    const provisioned = await this.provisionIfNeeded(organizationId, loaded, migrated.state, context);
    const event = migrated.events.find((e) => e.type === 'NamespaceMigrated') as NamespaceMigrated | undefined;
    return { position: later(migrated.position, provisioned), migration: event?.data };
  }

  private async provisionIfNeeded(organizationId: string, loaded: Loaded, state: NamespacePlacementState, context: CommandContext) {
    if (state.status !== 'placed' || state.current.provisioning.status === 'provisioned' || !loaded.target) return null;
    if (state.current.runtime_target_id !== loaded.target.id) return null;
    const result = await this.provisioner.provision(organizationId, loaded.namespace, loaded.target, state.current.runtime_namespace, context);
    return result.position;
  }

  private async load(organizationId: string, namespace: string, runtimeTargetId: string): Promise<Loaded> {
    const { state } = await loadState(this.platform.store, namespaceDecider, namespaceStream(organizationId, namespace));
    if (state.status !== 'active') throw notFound(`namespace ${namespace}`);
    const target = await this.targets.visible(organizationId, runtimeTargetId);
    const stream = namespacePlacementStream(organizationId, state.id);
    const placement = await loadState(this.platform.store, namespacePlacementDecider, stream);
    const lookups: PlacementLookups = {
      namespace: { name: state.name, id: state.id },
      target: target ? { id: target.id, organization_id: target.organization_id } : null,
      organization_restricted: await this.restricted(organizationId),
    };
    return { namespace: { name: state.name, id: state.id }, target, lookups, stream, placement: placement.state };
  }

  private async restricted(organizationId: string): Promise<boolean> {
    const { state } = await loadState(this.platform.store, organizationDecider, organizationStream(organizationId));
    return state.status === 'active' && state.restricted;
  }
}
