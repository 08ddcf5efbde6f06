import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FastifyReply } from 'fastify';
import { normalizeBaseUrl } from '../../../../libs/domain/placement/runtime-target/base-url';
import { RuntimeTargetState } from '../../../../libs/domain/placement/runtime-target/decider';
import { HandledCommand } from '../../../../libs/event-store/src';
import { RuntimeClient, TargetRefusal } from '../../../../libs/runtime-client/src';
import { AuthenticatedRequest } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { Consistency } from '../http/consistency';
import { newId } from '../http/ids';
import { notFoundProblem, ProblemException } from '../http/problem';
import { Platform } from '../platform/platform';
import { CONFIG, PLATFORM } from '../platform/platform.tokens';
import { ControlPlaneConfig } from '../config/config';
import { internalAddressOf } from './target-address-policy';
import { CredentialCipher } from './credential-cipher';
import { RUNTIME_CLIENT } from './runtime-client.provider';
import { RegisterRuntimeTargetDto } from './runtime-target.dto';
import { RuntimeTargetQueries } from './runtime-target.queries';
import { ExecuteRuntimeTargetCommand } from './runtime-targets.commands';
import { runtimeTargetRepresentation } from './runtime-target.representation';
import { issueIngestToken } from './secret-tokens';
import { asPlatformCall } from '../../../../libs/runtime-client/src';
import { showOnce } from '../http/lagging-read-model';

/** The namespace sent with the verification call: cluster info answers for any, and every server has this one. */
const VERIFICATION_NAMESPACE = 'default';

const fieldFor = (reason: TargetRefusal) => (reason === 'credential_refused' ? 'credential' : 'base_url');

/** Binds a sealed credential to its target (AES-GCM associated data). */
export const credentialBinding = (runtimeTargetId: string) => `runtime_target:${runtimeTargetId}`;

/**
 * Registers a runtime target: checks the URL, verifies the target through its own cluster info with
 * the given credential (422 with the reason when it cannot be verified; nothing is recorded), seals
 * the credential, issues the ingest token and records the registration. The ingest token is in the
 * answer once and never again.
 */
@Injectable()
export class RuntimeTargetRegistration {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly cipher: CredentialCipher,
    private readonly queries: RuntimeTargetQueries,
    private readonly consistency: Consistency,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    private readonly commands: CommandBus,
  ) {}

  async register(request: AuthenticatedRequest, reply: FastifyReply, ownerOrganizationId: string | null, body: RegisterRuntimeTargetDto) {
    const baseUrl = normalizeBaseUrl(body.base_url);
    if (ownerOrganizationId !== null && this.config.targetAddressPolicy === 'public') {
      const internal = await internalAddressOf(baseUrl);
      if (internal) {
        throw new ProblemException(422, 'runtime-target-address-not-allowed', 'Unprocessable Content',
          `base_url resolves to ${internal}, an internal address; organization runtime targets must be publicly addressable`, { field: 'base_url' });
      }
    }
    const context = commandContext(request, ownerOrganizationId);
    // The platform's own targets may sit on internal addresses; an organization's are checked on every connection.
    const verify = () => this.client.verifyTarget(baseUrl, body.credential, VERIFICATION_NAMESPACE, {
      requestId: context.request_id, correlationId: context.correlation_id,
    });
    const verified = ownerOrganizationId === null ? await asPlatformCall(verify) : await verify();
    if (!verified.ok) {
      throw new ProblemException(422, 'runtime-target-unverified', 'Unprocessable Content',
        // Never what answered there (a body, a message): an internal service's reply must not leak through this error.
        `the runtime target could not be verified (${verified.reason})`, { reason: verified.reason, field: fieldFor(verified.reason) });
    }
    const runtimeTargetId = newId('rt');
    const ingest = issueIngestToken();
    showOnce(reply.request, { id: runtimeTargetId, ingest_token: ingest.token });
    const result: HandledCommand<RuntimeTargetState, unknown> = await this.commands.execute(new ExecuteRuntimeTargetCommand(ownerOrganizationId, runtimeTargetId, {
      type: 'RegisterRuntimeTarget',
      data: {
        runtime_target_id: runtimeTargetId, owner_organization_id: ownerOrganizationId, name: body.name, base_url: baseUrl,
        region: body.region, provider: body.provider, credential: this.cipher.seal(body.credential, credentialBinding(runtimeTargetId)),
        ingest_token_prefix: ingest.prefix, ingest_token_hash: ingest.hash,
        verification: { server_id: verified.info.server_id, server_version: verified.info.version, control_plane_version: verified.info.control_plane.version },
      },
      context,
    }));
    await this.consistency.afterCommand(reply, result.position, result.revision);
    const row = await this.queries.visible(ownerOrganizationId, runtimeTargetId);
    if (!row) throw notFoundProblem(`runtime target ${runtimeTargetId}`);
    void reply.header('location', `${ownerOrganizationId === null ? '/api/v1/operator' : '/api/v1'}/runtime-targets/${runtimeTargetId}`);
    return { ...runtimeTargetRepresentation(row), ingest_token: ingest.token };
  }
}
