import { assertNever, Decider } from '../../shared/decider';
import { alreadyExists, conflict, invalid, notFound } from '../../shared/errors';
import { requireDisplayName, SHA256_HEX } from '../labels';
import { isRuntimeNamespace } from '../runtime-namespace';
import { IssueRuntimeCredential, RequestRuntimeCredential, RuntimeCredentialCommand } from './commands';
import { RuntimeCredentialEvent, RuntimeCredentialRole } from './events';

export const RUNTIME_TOKEN_PREFIX_PATTERN = /^dwr_[A-Za-z0-9_-]{8}$/;
const CREDENTIAL_ID = /^rcr_[0-9a-z]{1,60}$/;

interface CredentialFacts {
  readonly organization_id: string;
  readonly credential_id: string;
  readonly namespace: string;
  readonly role: RuntimeCredentialRole;
  readonly token_prefix: string;
  readonly token_hash: string;
}

export type RuntimeCredentialState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'requested' } & CredentialFacts)
  | ({ readonly status: 'abandoned' } & CredentialFacts)
  | ({ readonly status: 'active' } & CredentialFacts)
  | ({ readonly status: 'revoked' } & CredentialFacts);

const requirePrefix = (value: string) => {
  if (!RUNTIME_TOKEN_PREFIX_PATTERN.test(value)) throw invalid('token_prefix must be dwr_ and 8 token characters', 'token_prefix');
  return value;
};
const requireHash = (value: string) => {
  if (!SHA256_HEX.test(value)) throw invalid('token_hash must be a SHA-256 hash in lower-case hex', 'token_hash');
  return value;
};

/** The issued credential of the caller's organization, or not found (another organization's id looks absent). */
const existing = (state: RuntimeCredentialState, id: string, organizationId: string | null) => {
  if (state.status !== 'active' && state.status !== 'revoked') throw notFound('runtime credential');
  if (state.credential_id !== id || state.organization_id !== organizationId) throw notFound('runtime credential');
  return state;
};

function validRequest(command: RequestRuntimeCredential | IssueRuntimeCredential) {
  const organization_id = command.context.organization_id;
  if (!organization_id) throw invalid('a runtime credential belongs to an organization');
  const d = command.data;
  if (!CREDENTIAL_ID.test(d.credential_id)) throw invalid('credential_id is malformed', 'credential_id');
  const name = requireDisplayName(d.name);
  if (d.role !== 'client' && d.role !== 'worker') throw invalid('role must be client or worker', 'role');
  if (!isRuntimeNamespace(d.runtime_namespace)) throw invalid('runtime_namespace is malformed', 'runtime_namespace');
  return {
    organization_id, credential_id: d.credential_id, namespace: d.namespace, namespace_id: d.namespace_id, name, role: d.role,
    runtime_target_id: d.runtime_target_id, runtime_namespace: d.runtime_namespace,
    token_prefix: requirePrefix(d.token_prefix), token_hash: requireHash(d.token_hash),
  };
}

export const runtimeCredentialDecider: Decider<RuntimeCredentialState, RuntimeCredentialCommand, RuntimeCredentialEvent> = Object.freeze({
  initialState: (): RuntimeCredentialState => ({ status: 'absent' }),

  decide(command: RuntimeCredentialCommand, state: RuntimeCredentialState): readonly RuntimeCredentialEvent[] {
    const { context } = command;
    switch (command.type) {
      case 'RequestRuntimeCredential': {
        const facts = validRequest(command);
        if (state.status !== 'absent') throw alreadyExists('runtime credential', 'credential_id');
        return [{ type: 'RuntimeCredentialRequested', data: { ...facts, requested_at: context.now, abandon_at: command.data.abandon_at } }];
      }
      case 'IssueRuntimeCredential': {
        const facts = validRequest(command);
        if (state.status === 'abandoned') throw conflict('the runtime credential request was abandoned; issue a new one', 'credential_id');
        if (state.status !== 'requested') throw alreadyExists('runtime credential', 'credential_id');
        if (state.token_hash !== facts.token_hash || state.organization_id !== facts.organization_id) throw conflict('the outcome does not match the request', 'credential_id');
        return [{ type: 'RuntimeCredentialIssued', data: { ...facts, issued_at: context.now } }];
      }
      case 'AbandonRuntimeCredential': {
        if (state.status !== 'requested' || state.credential_id !== command.data.credential_id || state.organization_id !== context.organization_id) return [];
        return [{
          type: 'RuntimeCredentialAbandoned',
          data: { organization_id: state.organization_id, credential_id: state.credential_id, namespace: state.namespace, reason: command.data.reason, abandoned_at: context.now },
        }];
      }
      case 'RotateRuntimeCredential': {
        const token_prefix = requirePrefix(command.data.token_prefix);
        const token_hash = requireHash(command.data.token_hash);
        const credential = existing(state, command.data.credential_id, context.organization_id);
        if (credential.status === 'revoked') throw conflict('a revoked runtime credential cannot be rotated; issue a new one', 'credential_id');
        if (token_hash === credential.token_hash) throw invalid('the new token must differ from the current one', 'token_hash');
        return [{
          type: 'RuntimeCredentialRotated',
          data: {
            organization_id: credential.organization_id, credential_id: credential.credential_id, namespace: credential.namespace,
            token_prefix, token_hash, previous_token_prefix: credential.token_prefix, rotated_at: context.now,
          },
        }];
      }
      case 'RevokeRuntimeCredential': {
        const credential = existing(state, command.data.credential_id, context.organization_id);
        if (credential.status === 'revoked') return [];
        return [{
          type: 'RuntimeCredentialRevoked',
          data: { organization_id: credential.organization_id, credential_id: credential.credential_id, namespace: credential.namespace, revoked_at: context.now },
        }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state: RuntimeCredentialState, event: RuntimeCredentialEvent): RuntimeCredentialState {
    switch (event.type) {
      case 'RuntimeCredentialRequested': {
        const { organization_id, credential_id, namespace, role, token_prefix, token_hash } = event.data;
        return { status: 'requested', organization_id, credential_id, namespace, role, token_prefix, token_hash };
      }
      case 'RuntimeCredentialIssued': {
        const { organization_id, credential_id, namespace, role, token_prefix, token_hash } = event.data;
        return { status: 'active', organization_id, credential_id, namespace, role, token_prefix, token_hash };
      }
      case 'RuntimeCredentialAbandoned':
        return state.status === 'requested' ? { ...state, status: 'abandoned' } : state;
      case 'RuntimeCredentialRotated':
        return state.status === 'active' ? { ...state, token_prefix: event.data.token_prefix, token_hash: event.data.token_hash } : state;
      case 'RuntimeCredentialRevoked':
        return state.status === 'active' ? { ...state, status: 'revoked' } : state;
      default:
        return assertNever(event);
    }
  },
});
