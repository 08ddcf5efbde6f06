import { assertNever, Decider } from '../../shared/decider';
import { alreadyExists, invalid, notFound } from '../../shared/errors';
import { requireDisplayName, requireLabel, SHA256_HEX } from '../labels';
import { normalizeBaseUrl } from './base-url';
import { RuntimeTargetCommand } from './commands';
import { RuntimeTargetEvent, RuntimeTargetHealthStatus } from './events';
import { isSealedSecret } from './sealed-secret';

export const INGEST_TOKEN_PREFIX_PATTERN = /^dwi_[A-Za-z0-9_-]{12}$/;
const TARGET_ID = /^rt_[0-9a-z]{1,64}$/;
const MAX_DETAIL = 500;

export type RuntimeTargetState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'registered';
      readonly id: string;
      readonly organization_id: string | null;
      readonly name: string;
      readonly base_url: string;
      readonly region: string;
      readonly provider: string;
      readonly health: RuntimeTargetHealthStatus;
    };

const truncate = (text: string) => (text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text);

export const runtimeTargetDecider: Decider<RuntimeTargetState, RuntimeTargetCommand, RuntimeTargetEvent> = Object.freeze({
  initialState: (): RuntimeTargetState => ({ status: 'absent' }),

  decide(command: RuntimeTargetCommand, state: RuntimeTargetState): readonly RuntimeTargetEvent[] {
    switch (command.type) {
      case 'RegisterRuntimeTarget': {
        const { data, context } = command;
        if (!TARGET_ID.test(data.runtime_target_id)) throw invalid('runtime_target_id is malformed', 'runtime_target_id');
        if (data.owner_organization_id !== null && data.owner_organization_id !== context.organization_id) {
          throw invalid('an organization registers runtime targets for itself only', 'owner_organization_id');
        }
        const name = requireDisplayName(data.name);
        const base_url = normalizeBaseUrl(data.base_url);
        const region = requireLabel(data.region, 'region');
        const provider = requireLabel(data.provider, 'provider');
        if (!isSealedSecret(data.credential)) throw invalid('credential must be sealed before it is recorded', 'credential');
        if (!INGEST_TOKEN_PREFIX_PATTERN.test(data.ingest_token_prefix)) throw invalid('ingest_token_prefix is malformed', 'ingest_token_prefix');
        if (!SHA256_HEX.test(data.ingest_token_hash)) throw invalid('ingest_token_hash must be a SHA-256 hash in lower-case hex', 'ingest_token_hash');
        if (data.verification.control_plane_version !== '2') {
          throw invalid('only targets verified on control-plane version 2 can be registered', 'verification');
        }
        if (state.status !== 'absent') throw alreadyExists('runtime target', 'runtime_target_id');
        return [{
          type: 'RuntimeTargetRegistered',
          data: {
            organization_id: data.owner_organization_id, runtime_target_id: data.runtime_target_id, name, base_url, region, provider,
            credential: data.credential, ingest_token_prefix: data.ingest_token_prefix, ingest_token_hash: data.ingest_token_hash,
            verification: { ...data.verification, verified_at: context.now },
            registered_at: context.now,
          },
        }];
      }
      case 'RecordRuntimeTargetHealth': {
        if (state.status !== 'registered') throw notFound('runtime target');
        const { status, detail } = command.data;
        if (status !== 'healthy' && status !== 'unhealthy') throw invalid('status must be healthy or unhealthy', 'status');
        if (status === state.health) return [];
        return [{
          type: 'RuntimeTargetHealthChanged',
          data: {
            organization_id: state.organization_id, runtime_target_id: state.id, status, previous_status: state.health,
            detail: truncate(String(detail)), checked_at: command.context.now,
          },
        }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state: RuntimeTargetState, event: RuntimeTargetEvent): RuntimeTargetState {
    switch (event.type) {
      case 'RuntimeTargetRegistered': {
        const { runtime_target_id: id, organization_id, name, base_url, region, provider } = event.data;
        return { status: 'registered', id, organization_id, name, base_url, region, provider, health: 'unknown' };
      }
      case 'RuntimeTargetHealthChanged':
        return state.status === 'registered' ? { ...state, health: event.data.status } : state;
      default:
        return assertNever(event);
    }
  },
});
