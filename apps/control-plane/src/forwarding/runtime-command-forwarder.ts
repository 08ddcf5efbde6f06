import { Inject, Injectable } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RuntimeCommandCommand } from '../../../../libs/domain/runtime-commands/commands';
import { ActorSummary, AuthOutcome, RuntimeCommandFacts } from '../../../../libs/domain/runtime-commands/events';
import { requestFingerprint } from '../../../../libs/domain/runtime-commands/fingerprint';
import { CommandContext } from '../../../../libs/domain/shared/event';
import { formatPosition } from '../../../../libs/event-store/src';
import { ForwardResponse, isRuntimeClientError, RuntimeClient } from '../../../../libs/runtime-client/src';
import { Authorizer } from '../auth/authorizer';
import { AuthenticatedRequest, OrganizationPrincipal } from '../auth/principal';
import { commandContext } from '../http/command-context';
import { POSITION_HEADER } from '../http/consistency';
import { newId } from '../http/ids';
import { ProblemException } from '../http/problem';
import { RUNTIME_CLIENT } from '../runtime-targets/runtime-client.provider';
import { TargetCredentials } from '../runtime-targets/target-credentials';
import { CommandFactsRecorder } from './command-facts-recorder';
import { ForwardingTarget, ForwardingTargets } from './forwarding-target.query';
import { forwardedQuery, runtimePathOf } from './runtime-path';
import { runtimeOutcomeOf } from './runtime-outcome';

export const AUDIT_ID_HEADER = 'x-dwc-audit-id';
/** Marks an answer relayed from a runtime target: its status, body and content type are the target's (see problem-safety-net.hook.ts). */
export const RUNTIME_TARGET_HEADER = 'x-dwc-runtime-target';
const CAPABILITY = 'workflows.forward';

type Facts = Omit<RuntimeCommandFacts, 'organization_id' | 'occurred_at'>;

interface Forwarding {
  readonly request: AuthenticatedRequest;
  readonly reply: FastifyReply;
  readonly context: CommandContext;
  readonly started: number;
  readonly base: Facts;
}

const actorOf = (principal: OrganizationPrincipal): ActorSummary =>
  ({ id: principal.id, kind: principal.kind, key_id: principal.key_id, display: principal.display });

const flatHeaders = (headers: AuthenticatedRequest['headers']): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));

/**
 * Forwards one workflow command to the namespace's active runtime target and records its command
 * facts. Cloud checks first (capability on the namespace, forwardable path, billing standing, a
 * placement), then sends the request with the target's credential, the runtime namespace in
 * X-Namespace, the protocol version, its audit id as X-Request-Id and the correlation id. Every
 * outcome — forwarded, refused, or the runtime unreachable — is recorded before the answer.
 */
@Injectable()
export class RuntimeCommandForwarder {
  constructor(
    @Inject(RUNTIME_CLIENT) private readonly client: RuntimeClient,
    private readonly targets: ForwardingTargets,
    private readonly credentials: TargetCredentials,
    private readonly authorizer: Authorizer,
    private readonly facts: CommandFactsRecorder,
  ) {}

  async forward(request: AuthenticatedRequest, reply: FastifyReply, principal: OrganizationPrincipal, namespace: string): Promise<void> {
    const started = performance.now();
    const context = commandContext(request, principal.organization_id);
    // With an Idempotency-Key the audit id (the runtime's X-Request-Id) is the key's own: a retry that
    // has to be forwarded again (its first attempt crashed) reaches the runtime as the same request.
    const auditId = request.idempotency ? idempotentAuditId(request.idempotency.scope, request.idempotency.key) : newId('aud');
    void reply.header(AUDIT_ID_HEADER, auditId);
    const runtimePath = runtimePathOf(request.url, namespace);
    const query = forwardedQuery(request.query);
    const body = request.body === undefined ? null : request.body;
    const base: Facts = {
      audit_id: auditId, correlation_id: context.correlation_id, namespace, actor: actorOf(principal), capability: CAPABILITY,
      resource: { namespace, method: request.method, path: runtimePath.path }, auth_outcome: 'allowed',
      request_fingerprint: requestFingerprint({ method: request.method, path: runtimePath.path, query, body }),
      runtime_target_id: null, runtime_namespace: null, runtime_status: null, runtime_outcome: 'not_forwarded', duration_ms: 0,
    };
    const forwarding: Forwarding = { request, reply, context, started, base };

    const target = await this.targets.find(principal.organization_id, namespace);
    try {
      await this.authorizer.require(request, principal, CAPABILITY, target ? { project: target.project, environment: target.environment, namespace } : { namespace });
    } catch (error) {
      const status = error instanceof ProblemException ? error.getStatus() : 403;
      await this.refuse(forwarding, status === 404 ? 'not_found' : 'forbidden', status, status === 404 ? 'namespace not found' : `missing ${CAPABILITY}`);
      throw error;
    }
    if (!target) throw await this.refusal(forwarding, 'not_found', new ProblemException(404, 'not-found', 'Not Found', `namespace ${namespace} was not found`));
    const placed = { ...base, runtime_target_id: target.runtime_target_id, runtime_namespace: target.runtime_namespace };
    const placedForwarding = { ...forwarding, base: placed };
    if (!runtimePath.ok) {
      throw await this.refusal(placedForwarding, 'path_not_allowed', new ProblemException(403, 'runtime-path-not-allowed', 'Forbidden',
        'only workflow commands (runtime/workflows/…) are forwarded to the runtime target', { path: runtimePath.path.slice(0, 200) }));
    }
    if (target.billing_restricted) {
      throw await this.refusal(placedForwarding, 'billing_restricted', new ProblemException(403, 'billing-restricted', 'Billing Restricted',
        'the organization is billing-restricted: workflow operations are paused'));
    }
    if (!hasTarget(target)) {
      throw await this.refusal(placedForwarding, 'not_placed', new ProblemException(409, 'namespace-not-placed', 'Conflict',
        'the namespace has no runtime target; assign one with PUT /api/v1/namespaces/{namespace}/runtime-target'));
    }
    await this.send(placedForwarding, target, runtimePath.path, query, body);
  }

  private async send(forwarding: Forwarding & { afterAcceptance?: boolean }, target: PlacedTarget, path: string, query: Record<string, string>, body: unknown): Promise<void> {
    const { request, reply, context, base } = forwarding;
    let credential: string;
    try {
      credential = this.credentials.open({ id: target.runtime_target_id, credential: target.credential });
    } catch {
      // Sealed with another key (DWC_CREDENTIAL_KEY changed): nothing is sent, and the refusal is recorded.
      throw await this.refusal(forwarding, 'allowed', new ProblemException(503, 'runtime-credential-unavailable', 'Service Unavailable',
        'the runtime target\'s credential cannot be opened with this control plane\'s credential key', { runtime_target_id: target.runtime_target_id }));
    }
    // The acceptance is on record before the runtime is called; the outcome below follows it in the same stream.
    const accepted = await this.facts.record({
      type: 'RecordAcceptedCommand',
      data: {
        audit_id: base.audit_id, correlation_id: base.correlation_id, namespace: base.namespace, actor: base.actor, capability: base.capability,
        resource: base.resource, request_fingerprint: base.request_fingerprint, runtime_target_id: target.runtime_target_id, runtime_namespace: target.runtime_namespace,
      },
      context,
    });
    forwarding = { ...forwarding, afterAcceptance: accepted !== null };
    let response: ForwardResponse;
    try {
      response = await this.client.forward({
        baseUrl: target.base_url, credential,
        namespace: target.runtime_namespace, method: request.method, path, query, headers: flatHeaders(request.headers),
        body: body === null ? undefined : JSON.stringify(body), requestId: base.audit_id, correlationId: context.correlation_id,
      });
    } catch (error) {
      if (isRuntimeClientError(error, 'invalid_response')) {
        // Too large to relay (DWC_RUNTIME_MAX_RESPONSE_BYTES): recorded, and answered as a bad gateway.
        await this.record(forwarding, { type: 'RecordForwardedCommand', data: { ...this.finish(forwarding), runtime_outcome: 'response_too_large' }, context });
        throw new ProblemException(502, 'runtime-response-too-large', 'Bad Gateway', error.message, { runtime_target_id: target.runtime_target_id });
      }
      if (!isRuntimeClientError(error, 'unreachable') && !isRuntimeClientError(error, 'timeout')) throw error;
      const timedOut = error.kind === 'timeout';
      await this.record(forwarding, { type: 'RecordForwardedCommand', data: { ...this.finish(forwarding), runtime_outcome: error.kind }, context });
      throw new ProblemException(timedOut ? 504 : 502, timedOut ? 'runtime-timeout' : 'runtime-unreachable', timedOut ? 'Gateway Timeout' : 'Bad Gateway',
        `the runtime target did not answer: ${error.message}`, { runtime_target_id: target.runtime_target_id });
    }
    const contentType = response.headers['content-type'] ?? 'application/json';
    await this.record(forwarding, {
      type: 'RecordForwardedCommand',
      data: { ...this.finish(forwarding), runtime_status: response.status, runtime_outcome: runtimeOutcomeOf(response.status, contentType, response.body) },
      context,
    });
    void reply.status(response.status).header('content-type', contentType).header(RUNTIME_TARGET_HEADER, target.runtime_target_id).send(response.body);
  }

  private async refuse(forwarding: Forwarding, outcome: AuthOutcome, status: number, reason: string): Promise<void> {
    await this.record(forwarding, {
      type: 'RecordRefusedCommand', data: { ...this.finish(forwarding), auth_outcome: outcome, status, reason }, context: forwarding.context,
    });
  }

  private async refusal(forwarding: Forwarding, outcome: AuthOutcome, problem: ProblemException): Promise<ProblemException> {
    await this.refuse(forwarding, outcome, problem.getStatus(), problem.problem.detail ?? problem.problem.title);
    return problem;
  }

  private finish(forwarding: Forwarding): Facts {
    return { ...forwarding.base, duration_ms: performance.now() - forwarding.started };
  }

  private async record(forwarding: Forwarding & { afterAcceptance?: boolean }, command: RuntimeCommandCommand): Promise<void> {
    const position = await this.facts.record(command, forwarding.afterAcceptance ?? false);
    if (position) void forwarding.reply.header(POSITION_HEADER, formatPosition(position));
  }
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** `aud_` + 26 base32 characters of a hash of the key's scope and value: the same shape as newId('aud'). */
export const idempotentAuditId = (scope: string, key: string): string => {
  const digest = createHash('sha256').update(`${scope}\u0000${key}`).digest();
  return `aud_${Array.from(digest.subarray(0, 26), (byte) => ALPHABET[byte % 32]).join('')}`;
};

type PlacedTarget = ForwardingTarget & { runtime_target_id: string; runtime_namespace: string; base_url: string; credential: string };
const hasTarget = (target: ForwardingTarget): target is PlacedTarget =>
  target.runtime_target_id !== null && target.runtime_namespace !== null && target.base_url !== null && target.credential !== null;
