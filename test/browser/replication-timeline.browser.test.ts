import { existsSync } from 'node:fs';
import { Server } from 'node:http';
import { chromium, Browser, Page } from 'playwright-core';
import { RuntimeSimulator } from '../../apps/runtime-sim/src/simulator';
import { createNamespace, registerTarget, startSimulators } from '../support/runtime-fixtures';
import { createOrganization, startTestApp, TestApp } from '../support/test-app';
import { waitUntilAsync } from '../support/wait';

const CHROMIUM = '/usr/bin/chromium';
/** A manual switch's reason is free text the timeline shows: it must stay text. */
const HOSTILE_REASON = '<img src=x onerror="window.__pwned=\'reason\'">drill & <script>window.__pwned="script"</script><b>bold</b>';

/**
 * The console's replication view in a real headless Chromium: the replicated namespaces of a key, and
 * a live timeline of one of them fed by the server-sent event stream (read with fetch() and the bearer
 * header). The home target turns unhealthy while the page is open; the failover shows up without a
 * reload. Checks run every second (DWC_REPLICATION_CHECK_INTERVAL_MS, read when the app starts).
 */
describe('operator console: replication timeline in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let home: RuntimeSimulator;
  let secondary: RuntimeSimulator;
  const previous = process.env.DWC_REPLICATION_CHECK_INTERVAL_MS;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does it)`);
    process.env.DWC_REPLICATION_CHECK_INTERVAL_MS = '1000';
    app = await startTestApp({ runtimeTimeoutMs: 1000 });
    [home, secondary] = await startSimulators(2, 'timeline');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 120_000); // a control plane, two simulators and a browser on a busy machine
  afterAll(async () => {
    await browser?.close();
    await Promise.all([home?.close(), secondary?.close()]);
    await app?.close();
    if (previous === undefined) delete process.env.DWC_REPLICATION_CHECK_INTERVAL_MS;
    else process.env.DWC_REPLICATION_CHECK_INTERVAL_MS = previous;
  });

  /** The live (not history) timeline entries, oldest first, as `type:kind` plus their text. */
  const liveEntries = (page: Page) => page.$$eval('#timeline li:not(.history)', (items) => items.reverse().map((li) => ({
    type: li.getAttribute('data-type'), kind: li.getAttribute('data-kind'), text: li.querySelector('.text')?.textContent ?? '',
  })));

  /** The numbers of the live check entries, oldest first. */
  const liveChecks = async (page: Page) => (await liveEntries(page)).filter((e) => e.type === 'ReplicationCheckRecorded')
    .map((e) => Number(/^check (\d+):/.exec(e.text)?.[1]));

  it('lists the replicated namespaces and shows checks, an automatic failover and a manual failback live, as text', async () => {
    const { api, api_key } = await createOrganization(app, 'timeline');
    const homeTarget = await registerTarget(api, home, { region: 'eu-west-1' });
    const secondaryTarget = await registerTarget(api, secondary, { region: 'eu-central-1' });
    await createNamespace(api, 'orders', homeTarget.id);
    await createNamespace(api, 'plain', homeTarget.id);
    expect((await api.put('/api/v1/namespaces/orders/replication', { secondary_runtime_target_id: secondaryTarget.id })).status).toBe(200);

    const page = await browser.newPage();
    const problems: string[] = [];
    const urls: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => urls.push(request.url()));
    await page.goto(app.baseUrl);

    await page.fill('#key', api_key.token);
    await page.click('#load-replication');
    await page.waitForSelector('#replicated table');
    const listed = await page.textContent('#replicated table');
    expect(listed).toContain('orders');
    expect(listed).not.toContain('plain'); // placed but not replicated
    expect(listed).toContain(`${homeTarget.id} (eu-west-1), home`);

    await page.click('#replicated button.timeline[data-namespace="orders"]');
    await page.waitForSelector('#timeline-status.live');
    expect(await page.textContent('#timeline-namespace')).toBe('orders');
    expect(await page.textContent('#timeline-state dd[data-field="state"]')).toBe('healthy');
    // Checks arrive on their own every second.
    await page.waitForSelector('#timeline li:not(.history)[data-type="ReplicationCheckRecorded"]', { timeout: 15_000 });
    // The same document from here on: a reload would lose this.
    await page.evaluate('window.__sameDocument = "yes"');

    // The connection drops (a proxy restart, say): the page reconnects with Last-Event-ID and the
    // checks appended meanwhile are replayed, so the live checks stay one after another, none twice.
    const resumedWith: string[] = [];
    page.on('request', (request) => { const last = request.headers()['last-event-id']; if (last) resumedWith.push(last); });
    const checksBefore = (await liveChecks(page)).length;
    (app.app.getHttpServer() as Server).closeAllConnections();
    await waitUntilAsync(async () => resumedWith.length > 0 && (await liveChecks(page)).length >= checksBefore + 3, 20_000, 100);
    await page.waitForSelector('#timeline-status.live');
    const checks = await liveChecks(page);
    expect(checks).toEqual(Array.from({ length: checks.length }, (_, i) => checks[0] + i));

    await home.faults.unhealthy();
    await page.waitForSelector('#timeline li:not(.history)[data-type="ReplicationSwitchCompleted"]', { timeout: 30_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe('yes');
    const failover = (await liveEntries(page)).filter((e) => e.type !== 'ReplicationCheckRecorded');
    expect(failover.map((e) => `${e.type}:${e.kind}`)).toEqual([
      'ReplicationSwitchStarted:switch', 'ReplicationOldPrimaryDemoted:switch', 'ReplicationNewPrimaryPromoted:switch',
      'ReplicationRoutingSwitched:switch', 'ReplicationSwitchCompleted:switch',
    ]);
    expect(failover[0].text).toMatch(/^automatic failover started at epoch 1: .* — home primary failed \d+ checks in a row \(threshold 2\) and the secondary is ready/);
    expect(failover[1].text).toContain(`old primary ${homeTarget.id} (home, eu-west-1) demoted at epoch 1`);
    expect(failover[3].text).toContain(`→ ${secondaryTarget.id} (secondary, eu-central-1)`);
    // The checks that led there say why, and the summary follows the stream.
    expect((await liveEntries(page)).some((e) => e.type === 'ReplicationCheckRecorded' && /home not ready.* → failover/.test(e.text))).toBe(true);
    expect(await page.textContent('#timeline-state dd[data-field="state"]')).toBe('failed_over');
    expect(await page.textContent('#timeline-state dd[data-field="current primary"]')).toContain(secondaryTarget.id);

    // Manual commands show up too: automatic failover off, then a failback with a hostile reason.
    expect((await api.patch('/api/v1/namespaces/orders/replication', { automatic_failover: false })).status).toBe(200);
    await page.waitForSelector('#timeline li[data-type="ReplicationAutomaticFailoverSet"][data-kind="manual"]');
    expect(await page.textContent('#timeline li[data-type="ReplicationAutomaticFailoverSet"] .text')).toBe('automatic failover turned off');
    await home.faults.unhealthy(false);
    await waitUntilAsync(async () => (await api.post('/api/v1/namespaces/orders/replication/failback?dry_run=true', {})).body.go === true, 15_000, 200);
    expect((await api.post('/api/v1/namespaces/orders/replication/failback', { reason: HOSTILE_REASON })).status).toBe(202);
    await page.locator('#timeline li[data-type="ReplicationSwitchCompleted"] .text', { hasText: /^failback completed/ }).waitFor({ timeout: 20_000 });
    const manual = (await liveEntries(page)).find((e) => e.type === 'ReplicationSwitchStarted' && e.kind === 'manual');
    expect(manual?.text).toContain(`manual failback started at epoch 2: ${secondaryTarget.id} (secondary, eu-central-1) → ${homeTarget.id} (home, eu-west-1) — ${HOSTILE_REASON}`);
    expect(await page.textContent('#timeline-state dd[data-field="state"]')).toBe('healthy');
    expect(await page.evaluate('window.__sameDocument')).toBe('yes');

    // The reason stayed text; the key travelled only in the Authorization header.
    expect(await page.locator('#timeline img, #timeline script, #timeline b').count()).toBe(0);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(urls.filter((url) => url.includes(api_key.token))).toEqual([]);
    expect(problems).toEqual([]);
    await page.click('#timeline-stop');
    expect(await page.textContent('#timeline-status')).toBe('stopped');
  }, 150_000);

  it('says why there is no timeline when the namespace is not replicated or the key is wrong', async () => {
    const { api, api_key } = await createOrganization(app, 'no-timeline');
    await createNamespace(api, 'solo');
    const page = await browser.newPage();
    await page.goto(app.baseUrl);
    await page.fill('#key', api_key.token);
    await page.click('#load-replication');
    await page.waitForSelector('#replicated p.muted');
    expect(await page.textContent('#replicated')).toBe('none');
    await page.fill('#key', 'dwc_wrong');
    await page.click('#load-replication');
    await page.waitForSelector('#replicated .error');
    expect(await page.textContent('#replicated .error')).toContain('401');
  });
});
