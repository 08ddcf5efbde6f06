import { existsSync } from 'node:fs';
import { chromium, Browser } from 'playwright-core';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';

const CHROMIUM = '/usr/bin/chromium';

/** The operator console in a real headless Chromium (installed by .ci/run: apt-get install chromium). */
describe('operator console in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does it)`);
    app = await startTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists organizations for the operator and namespaces for an organization key, and shows refusals', async () => {
    const { api, api_key } = await createOrganization(app, 'console');
    await api.post('/api/v1/projects', { name: 'shop' });
    await api.post('/api/v1/projects/shop/environments', { name: 'prod' });
    await api.post('/api/v1/projects/shop/environments/prod/namespaces', { name: 'checkout' });

    const page = await browser.newPage();
    await page.goto(app.baseUrl);
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
  });
});
