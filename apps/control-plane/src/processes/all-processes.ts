import { principalRemoval } from '../../../../libs/domain/identity/principal-removal/process';
import { namespaceProvisioning } from '../../../../libs/domain/placement/namespace-provisioning/process';
import { runtimeCredentialIssuance } from '../../../../libs/domain/placement/runtime-credential-issuance/process';
import { namespaceDeletion } from '../../../../libs/domain/tenancy/namespace-deletion/process';

/** Every process manager of the control plane (the replication saga joins with its context). */
export const allProcesses = [namespaceProvisioning, principalRemoval, namespaceDeletion, runtimeCredentialIssuance] as const;
