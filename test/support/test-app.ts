import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ControlPlaneConfig } from '../../apps/control-plane/src/config/config';
import { createControlPlaneApp } from '../../apps/control-plane/src/create-app';
import { openStorage } from '../../apps/control-plane/src/platform/database';
import { openPlatform, Platform } from '../../apps/control-plane/src/platform/platform';
import { openTestStorage, TestStorage } from './test-storage';

export const TEST_OPERATOR_TOKEN = 'test-operator-token-0123456789abcdefghijklmnop';
/** A fixed key sealing runtime-target credentials in tests. */
export const TEST_CREDENTIAL_KEY = Buffer.alloc(32, 7);

export interface TestApp {
  readonly baseUrl: string;
  readonly operatorToken: string;
  readonly platform: Platform;
  readonly storage: TestStorage;
  readonly app: NestFastifyApplication;
  close(): Promise<void>;
}

/** The whole control plane on a throw-away database, listening on a random loopback port. */
export async function startTestApp(overrides: Partial<ControlPlaneConfig> = {}, events: { eventStoreUrl?: string } = {}): Promise<TestApp> {
  const storage = await openTestStorage();
  const platform = await openPlatform({ storage, embeddedProjector: true, eventStoreUrl: events.eventStoreUrl });
  const app = await createControlPlaneApp(platform, testConfig(overrides));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}`, operatorToken: TEST_OPERATOR_TOKEN, platform, storage, app,
    close: async () => {
      await app.close();
      await platform.close();
      await storage.close();
    },
  };
}

const testConfig = (overrides: Partial<ControlPlaneConfig>): ControlPlaneConfig => ({
  host: '127.0.0.1', port: 0, dataDir: '/nonexistent', operatorToken: TEST_OPERATOR_TOKEN, operatorTokenGenerated: false,
  logLevel: process.env.LOG_LEVEL ?? 'warn', embeddedProjector: true, consistencyWaitMs: 5000, bodyLimitBytes: 1024 * 1024,
  credentialKey: TEST_CREDENTIAL_KEY, runtimeTimeoutMs: 2000,
  ...overrides,
});

/**
 * A second replica of `of`: its own pool, platform and HTTP server on the same PostgreSQL database
 * (leases decide which of the two runs each projector). PostgreSQL only: PGlite is one process's.
 */
export async function startTestReplica(of: TestApp, overrides: Partial<ControlPlaneConfig> = {}): Promise<Omit<TestApp, 'storage'>> {
  if (!of.storage.url) throw new Error('a second replica needs the PostgreSQL database of the first (DATABASE_URL)');
  const storage = await openStorage({ databaseUrl: of.storage.url });
  const platform = await openPlatform({ storage, embeddedProjector: true });
  const app = await createControlPlaneApp(platform, testConfig(overrides));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}`, operatorToken: TEST_OPERATOR_TOKEN, platform, app,
    close: async () => {
      await app.close();
      await platform.close();
      await storage.close();
    },
  };
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A tiny client speaking to the app over real HTTP, as curl would. */
export function client(baseUrl: string, token?: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body ?? {}, headers),
    put: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('PUT', path, body ?? {}, headers),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body ?? {}, headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) => call<T>('DELETE', path, undefined, headers),
    call,
  };
}

export type Client = ReturnType<typeof client>;

export async function createOrganization(app: TestApp, name = 'acme', ownerEmail = `owner@${name}.test`) {
  const operator = client(app.baseUrl, app.operatorToken);
  const created = await operator.post('/api/v1/operator/organizations', { name, owner_email: ownerEmail });
  if (created.status !== 201) throw new Error(`organization not created: ${created.status} ${JSON.stringify(created.body)}`);
  return { ...created.body, api: client(app.baseUrl, created.body.api_key.token) } as {
    organization: { id: string; name: string }; owner: { id: string; email: string }; api_key: { id: string; token: string }; api: Client;
  };
}
