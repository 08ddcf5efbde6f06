import { DomainCommand } from '../shared/event';
import { RuntimeCommandAccepted, RuntimeCommandFacts } from './events';

type Facts = Omit<RuntimeCommandFacts, 'organization_id' | 'occurred_at'>;

export type RecordForwardedCommand = DomainCommand<'RecordForwardedCommand', Facts>;
export type RecordRefusedCommand = DomainCommand<'RecordRefusedCommand', Facts & { readonly status: number; readonly reason: string }>;
export type RecordAcceptedCommand = DomainCommand<'RecordAcceptedCommand', Omit<RuntimeCommandAccepted['data'], 'organization_id' | 'accepted_at'>>;
export type RuntimeCommandCommand = RecordAcceptedCommand | RecordForwardedCommand | RecordRefusedCommand;
