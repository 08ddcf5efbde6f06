import { existsSync } from 'node:fs';
import { chromium, Browser, Page } from 'playwright-core';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { registerTarget, startSimulators } from '../support/runtime-fixtures';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
/** Names that run script if the console ever put them into the page as HTML. */
const HOSTILE_ORGANIZATION = '<img src=x onerror="window.__pwned=\'org\'">Evil & Co';
const HOSTILE_TARGET = '<script>window.__pwned="target"</script><b>bold</b>';

/** The operator console in a real headless Chromium (installed by scripts/ensure-chromium.sh: apt-get install chromium). */
describe('operator console in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let sim: RuntimeSimulator;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does it)`);
    app = await startTestApp({ probeIntervalMs: 0 });
    [sim] = await startSimulators(1, 'console');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 120_000); // a control plane, a simulator and a browser on a busy machine
  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await app?.close();
  });

  /** A page that records Content-Security-Policy violations and script errors. */
  async function openConsole(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(app.baseUrl);
    return { page, problems };
  }

  it('lists organizations for the operator and namespaces for an organization key, and shows refusals', async () => {
    const { api, api_key } = await createOrganization(app, 'console');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'checkout' });

    const { page, problems } = await openConsole();
    await page.fill('#operator', app.operatorToken);
    await page.click('#load-orgs');
    await page.waitForSelector('#orgs table');
    expect(await page.textContent('#orgs')).toContain('console');

    await page.fill('#key', api_key.token);
    await page.click('#load-org');
    await page.waitForSelector('#org table');
    expect(await page.textContent('#org')).toContain('checkout');

    await page.fill('#key', 'dwc_wrong');
    await page.click('#load-org');
    await page.waitForSelector('#org .error');
    expect(await page.textContent('#org .error')).toContain('401');
    // The page works under its policy: its own script ran, and nothing was refused.
    expect(problems).toEqual([]);
  });

  it('shows hostile organization and runtime-target names as text, never as markup', async () => {
    const { api, api_key } = await createOrganization(app, HOSTILE_ORGANIZATION, 'owner@hostile.test');
    await registerTarget(api, sim, { name: HOSTILE_TARGET });

    const { page, problems } = await openConsole();
    await page.fill('#operator', app.operatorToken);
    await page.click('#load-orgs');
    await page.waitForSelector('#orgs table');
    expect(await page.textContent('#orgs')).toContain(HOSTILE_ORGANIZATION);
    expect(await page.locator('#orgs img').count()).toBe(0);

    await page.fill('#key', api_key.token);
    await page.click('#load-org');
    await page.waitForSelector('#org table');
    expect(await page.textContent('#org')).toContain(HOSTILE_TARGET);
    expect(await page.locator('#org script, #org b').count()).toBe(0);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(problems).toEqual([]);
  });

  it('says why the runtime-target table is missing when the key may read namespaces but not targets', async () => {
    const { api } = await createOrganization(app, 'scoped');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'orders' });
    const viewer = await api.post('/api/v1/users', { email: 'viewer@scoped.test', organization_role: 'member' });
    expect((await api.post('/api/v1/role-bindings', { principal_id: viewer.body.id, role: 'viewer', scope: { namespace: 'orders' } })).status).toBe(201);
    const key = await api.post('/api/v1/api-keys', { principal_id: viewer.body.id, name: 'viewer' });

    const { page, problems } = await openConsole();
    await page.fill('#key', key.body.token);
    await page.click('#load-org');
    await page.waitForSelector('#org table');
    expect(await page.textContent('#org table')).toContain('orders');
    expect(await page.textContent('#targets-error')).toMatch(/^403 Forbidden/);
    expect(problems).toEqual([]);
  });
});
