import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { deriveRuntimeNamespace } from '../../../../libs/domain/placement/runtime-namespace';
import { conflict, DomainError } from '../../../../libs/domain/shared/errors';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { ExecuteRuntimeNamespaceClaimCommand } from './placement.commands';

const MAX_CANDIDATES = 10;

/**
 * Picks the runtime namespace of a Cloud namespace on a target: the first derived name that is free
 * there (or already this namespace's), claimed on its own stream so two namespaces never share one.
 */
@Injectable()
export class RuntimeNamespaceClaims {
  constructor(private readonly commands: CommandBus) {}

  async claim(organizationId: string, namespace: { name: string; id: string }, runtimeTargetId: string, context: CommandContext): Promise<string> {
    for (let attempt = 0; attempt < MAX_CANDIDATES; attempt++) {
      const runtimeNamespace = deriveRuntimeNamespace(organizationId, namespace.name, attempt);
      try {
        await this.commands.execute(new ExecuteRuntimeNamespaceClaimCommand(runtimeTargetId, runtimeNamespace, {
          type: 'ClaimRuntimeNamespace',
          data: { runtime_target_id: runtimeTargetId, runtime_namespace: runtimeNamespace, namespace: namespace.name, namespace_id: namespace.id },
          context: { ...context, command_id: `${context.command_id}:claim:${runtimeTargetId}:${attempt}` },
        }));
        return runtimeNamespace;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
      }
    }
    throw conflict('no free runtime namespace name was found on that target', 'runtime_target_id');
  }
}
