import { RuntimeSimulator, SimulatorOptions, startRuntimeSimulator } from '../../src/simulator';

export const VERSION_HEADER = 'x-durable-workflow-control-plane-version';

export interface CallOptions {
  /** Bearer token; `null` sends no Authorization header. Defaults to the operator token. */
  readonly token?: string | null;
  /** Control-plane version header; `null` omits it. Defaults to "2". */
  readonly version?: string | null;
  readonly namespace?: string;
  /** JSON-encoded unless a string is given. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  // Tests index into response bodies freely; the assertions are the type check.
  readonly body: any;
}

/** A real HTTP call to the simulator over loopback, with the headers Cloud would send. */
export const call = async (sim: RuntimeSimulator, method: string, path: string, options: CallOptions = {}): Promise<CallResult> => {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? sim.tokens.operator : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const version = options.version === undefined ? '2' : options.version;
  if (version !== null) headers[VERSION_HEADER] = version;
  if (options.namespace !== undefined) headers['x-namespace'] = options.namespace;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${sim.baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Leave non-JSON bodies as text for the assertion to show.
  }
  return { status: response.status, headers: response.headers, body: parsed };
};

/** Starts a fresh simulator per test and closes it after, so tests never share state. */
export const useSimulator = (options: SimulatorOptions = {}): (() => RuntimeSimulator) => {
  let sim: RuntimeSimulator | undefined;
  beforeEach(async () => {
    sim = await startRuntimeSimulator(options);
  });
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  return () => {
    if (!sim) throw new Error('simulator not started');
    return sim;
  };
};
