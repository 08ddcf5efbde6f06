import { documentRoutes } from '../openapi/operations';
import { anyObject, arr, bool, dateTime, named, nullable, obj, oneOf, page, str } from '../openapi/schema';
import { ApiKeysController } from './api-keys.controller';
import { MeController } from './me.controller';
import { MembersController } from './members.controller';
import { RoleBindingsController } from './role-bindings.controller';
import { ServiceAccountsController } from './service-accounts.controller';

const Member = named('Member', obj({
  id: str('usr_… or sa_…'), email: nullable(str()), organization_role: nullable(oneOf('owner', 'admin', 'finance', 'member')),
  state: oneOf('active', 'removed'), created_at: dateTime(), updated_at: dateTime(),
}));

const ServiceAccount = named('ServiceAccount', obj({ id: str('sa_…'), name: nullable(str()), state: oneOf('active', 'removed'), created_at: dateTime() }));

const RoleScope = named('RoleScope', obj({ project: str(), environment: str(), namespace: str() }, ['project', 'environment', 'namespace']));

const RoleBinding = named('RoleBinding', obj({
  id: str('rb_…'), principal_id: str(), principal_kind: str('user or service_account'), role: oneOf('admin', 'developer', 'viewer'),
  scope: RoleScope, created_at: dateTime(),
}));

const apiKeyFields = {
  id: str('key_…'), name: str(), principal_id: str(), principal_kind: str(), token_prefix: str(),
  state: oneOf('active', 'disabled', 'revoked'), expired: bool(), expires_at: nullable(dateTime()), created_at: dateTime(),
  revoked_at: nullable(dateTime()), last_used_at: nullable(dateTime()),
};
const ApiKey = named('ApiKey', obj(apiKeyFields));
const IssuedApiKey = named('IssuedApiKey', obj({ ...apiKeyFields, token: str('the dwc_ token, shown once') }));
const RotatedApiKey = named('RotatedApiKey', obj({
  ...apiKeyFields, token: nullable(str('the new dwc_ token, shown once; null when a retried rotation replays the first one')),
  previous_token_valid_until: nullable(dateTime('the old token keeps working until then (the grace period)')),
}, ['previous_token_valid_until']));

const DryRun = named('PermissionDiff', obj({
  dry_run: bool(),
  changes: arr(anyObject('one principal\'s capabilities gained or lost on one resource')),
  would_append: arr(str('an event type the command would append')),
}));
const dryRun = [{ status: 200, description: 'With ?dry_run=true: the permission diff; nothing is appended', schema: DryRun }];

const Me = named('Me', obj({
  principal: obj({
    id: str(), kind: oneOf('user', 'service_account'), email: str(), name: nullable(str()),
    organization_role: nullable(str()), api_key_id: str(),
  }, ['email', 'name']),
  organization: obj({ id: str(), name: str() }),
  role_bindings: arr(RoleBinding),
  capabilities: anyObject('the caller\'s effective capabilities, organization-wide and per resource'),
}));

documentRoutes(MeController, { me: { summary: 'Who the caller is and what it may do', returns: Me } });

documentRoutes(MembersController, {
  addUser: { summary: 'Add a user to the organization', returns: Member, status: 201, also: dryRun },
  list: { summary: 'List the organization\'s members', returns: page('members', Member) },
  get: { summary: 'Get a member', returns: Member },
  changeRole: { summary: 'Change a member\'s organization role', returns: Member },
  remove: { summary: 'Remove a member (its keys are revoked and its bindings deleted)', returns: null, status: 204, also: dryRun },
});

documentRoutes(ServiceAccountsController, {
  create: { summary: 'Create a service account', returns: ServiceAccount, status: 201, also: dryRun },
  list: { summary: 'List service accounts', returns: page('service_accounts', ServiceAccount) },
  get: { summary: 'Get a service account', returns: ServiceAccount },
  remove: { summary: 'Remove a service account', returns: null, status: 204, also: dryRun },
});

documentRoutes(RoleBindingsController, {
  create: { summary: 'Bind a role to a principal on a project, environment or namespace', returns: RoleBinding, status: 201, also: dryRun },
  list: { summary: 'List role bindings', returns: page('role_bindings', RoleBinding) },
  get: { summary: 'Get a role binding', returns: RoleBinding },
  remove: { summary: 'Delete a role binding', returns: null, status: 204, also: dryRun },
});

documentRoutes(ApiKeysController, {
  create: { summary: 'Issue an API key (the token is shown once)', returns: IssuedApiKey, status: 201, also: dryRun },
  list: { summary: 'List API keys (all with api_keys.manage, else the caller\'s own)', returns: page('api_keys', ApiKey) },
  get: { summary: 'Get an API key', returns: ApiKey },
  revoke: { summary: 'Revoke an API key', returns: null, status: 204, also: dryRun },
  disable: { summary: 'Disable an API key', returns: ApiKey, status: 200 },
  enable: { summary: 'Enable a disabled API key', returns: ApiKey, status: 200 },
  rotate: { summary: 'Rotate an API key\'s secret, with a grace period for the old token', returns: RotatedApiKey, status: 200 },
});
