import { Provider } from '@nestjs/common';
import { RuntimeClient } from '../../../../libs/runtime-client/src';
import { ControlPlaneConfig } from '../config/config';
import { DEFAULT_RUNTIME_TIMEOUT_MS } from '../config/runtime-target-config';
import { CONFIG } from '../platform/platform.tokens';

export const RUNTIME_CLIENT = Symbol('RuntimeClient');

/** One stateless client for every runtime target; targets are passed per call. */
export const runtimeClientProvider: Provider = {
  provide: RUNTIME_CLIENT,
  inject: [CONFIG],
  useFactory: (config: ControlPlaneConfig) => new RuntimeClient({ timeoutMs: config.runtimeTimeoutMs || DEFAULT_RUNTIME_TIMEOUT_MS }),
};
