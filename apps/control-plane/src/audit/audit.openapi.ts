import { documentRoutes } from '../openapi/operations';
import { anyObject, arr, dateTime, int, named, nullable, obj, page, str, bool } from '../openapi/schema';
import { AccessReviewController } from './access-review.controller';
import { AuditController } from './audit.controller';

const AuditEntry = named('AuditEntry', obj({
  id: str('the event id'), position: str('the event\'s global position, <commit>.<prepare>'), occurred_at: dateTime(),
  actor: obj({ id: str(), kind: str(), key_id: nullable(str()) }),
  action: str(), resource: str(), namespace: nullable(str()), outcome: str('succeeded or denied'), request_id: str(),
  hash: str('SHA-256 over the previous hash and this entry\'s facts'), previous_hash: str(),
}));

const Verification = named('AuditChainVerification', obj({
  ok: bool(), entries: int(), head_hash: str(), first_bad_position: str('where the chain first fails to verify'),
}, ['first_bad_position']));

const Checkpoint = named('AuditCheckpoint', obj({
  organization_id: str(), position: str('the chain head signed, <commit>.<prepare>'), entries: int(), head_hash: str(),
  key_id: str(), algorithm: str('Ed25519'), signature: str('base64'), signed_at: dateTime(),
}));

documentRoutes(AuditController, {
  sign: { summary: 'Sign the organization\'s audit chain head now (Ed25519)', returns: Checkpoint },
  checkpoints: { summary: 'The organization\'s signed audit checkpoints', returns: page('checkpoints', Checkpoint) },
  publicKeys: {
    summary: 'The public keys that check audit checkpoints',
    returns: obj({ keys: arr(obj({ key_id: str(), algorithm: str(), public_key_pem: str(), created_at: dateTime(), retired_at: nullable(dateTime()) })) }),
  },
  export: {
    summary: 'Audit entries of a time range with the checkpoints that cover them, verifiable offline',
    returns: { type: 'string', description: 'NDJSON: entries and checkpoints, one JSON object a line' },
    produces: 'application/x-ndjson',
  },
  list: { summary: 'The organization\'s audit log, in log order', returns: page('entries', AuditEntry) },
  verify: { summary: 'Recompute the organization\'s audit hash chain', returns: Verification },
  events: {
    summary: 'The organization\'s raw events, one JSON object a line',
    returns: { type: 'string', description: 'NDJSON: {id, position, stream, revision, type, data, metadata} per line' },
    produces: 'application/x-ndjson',
  },
});

documentRoutes(AccessReviewController, {
  review: { summary: 'Who held which role on a namespace, or what a principal could do, as of an instant', returns: anyObject('the review with the positions replayed') },
});
