import { randomBytes } from 'node:crypto';
import { FaultControl, Listener } from './faults';
import { buildApp } from './http/app';
import { ServerTokens } from './http/principal';
import { SimListener } from './listener';
import { WorkflowBehaviour, defaultBehaviour } from './routes/workflows';
import { RecordedRequest, UsageRecord } from './state/records';
import { SimState, UsageInput } from './state/sim-state';

export interface SimulatorOptions {
  /** Server role tokens; random per simulator when omitted, so targets never share credentials. */
  readonly workerToken?: string;
  readonly operatorToken?: string;
  readonly adminToken?: string;
  readonly serverId?: string;
  readonly defaultNamespace?: string;
  /** Build identity reported by cluster info (never used for compatibility). */
  readonly version?: string;
  readonly host?: string;
  /** 0 = a random free port. */
  readonly port?: number;
  /** Port of the always-on `/__sim` admin listener; 0 = random. */
  readonly adminPort?: number;
  readonly clock?: () => Date;
  /** Replace how simulated workflows answer queries and completed updates. */
  readonly behaviour?: Partial<WorkflowBehaviour>;
}

export interface RuntimeSimulator {
  /** e.g. `http://127.0.0.1:41234`; the runtime API lives under `/api`. */
  readonly baseUrl: string;
  /** Admin listener serving `/__sim/*`; it stays up while the main listener is `down`. */
  readonly adminUrl: string;
  readonly port: number;
  readonly serverId: string;
  readonly tokens: ServerTokens;
  readonly state: SimState;
  readonly faults: FaultControl;
  /** Every `/api` request received, oldest first, with the runtime's command facts. */
  readonly requests: readonly RecordedRequest[];
  requestsTo(method: string, path: string): readonly RecordedRequest[];
  clearRequests(): void;
  /** Adds a usage record to the feed, as if the runtime had metered it. */
  pushUsage(input: UsageInput): UsageRecord;
  close(): Promise<void>;
}

const randomToken = (role: string): string => `sim-${role}-${randomBytes(18).toString('hex')}`;

export async function startRuntimeSimulator(options: SimulatorOptions = {}): Promise<RuntimeSimulator> {
  const host = options.host ?? '127.0.0.1';
  const tokens: ServerTokens = {
    worker: options.workerToken ?? randomToken('worker'),
    operator: options.operatorToken ?? randomToken('operator'),
    admin: options.adminToken ?? randomToken('admin'),
  };
  const state = new SimState(options.serverId ?? `sim-${randomBytes(4).toString('hex')}`, options.defaultNamespace ?? 'default', options.clock ?? (() => new Date()));

  // The faults and the listener need each other; the proxy breaks the construction cycle.
  const late: { main?: SimListener } = {};
  const listenerProxy: Listener = {
    down: async () => late.main?.down(),
    up: async () => late.main?.up(),
    releaseHung: () => late.main?.releaseHung(),
  };
  const faults = new FaultControl(listenerProxy, state);
  const app = await buildApp({ ctx: { state, tokens, faults }, behaviour: { ...defaultBehaviour, ...options.behaviour }, serverVersion: options.version ?? '2.0.0' });
  const main = new SimListener(app, host, options.port ?? 0, { adminOnly: false, hanging: () => faults.current.hang });
  const admin = new SimListener(app, host, options.adminPort ?? 0, { adminOnly: true, hanging: () => false });
  late.main = main;
  await main.up();
  await admin.up();

  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    baseUrl: `http://${urlHost}:${main.boundPort}`,
    adminUrl: `http://${urlHost}:${admin.boundPort}`,
    port: main.boundPort,
    serverId: state.serverId,
    tokens,
    state,
    faults,
    get requests() {
      return state.requests;
    },
    requestsTo: (method, path) => state.requests.filter((r) => r.method === method.toUpperCase() && r.path === path),
    clearRequests: () => {
      state.requests.length = 0;
    },
    pushUsage: (input) => state.meter(input),
    close: async () => {
      await Promise.all([main.down(), admin.down()]);
      await app.close();
    },
  };
}
