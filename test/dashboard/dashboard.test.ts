import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { SEED, segmentYaml } from '../helpers/manifests.js';
import { sandboxFixture } from '../helpers/sandbox.js';
import { repoFixture, type RepoFixture } from '../git/repo-fixture.js';
import { parseExposition, valueOf } from '../sync/prometheus-scrape.js';
import { launchBrowser, once, type Browser } from './browser.js';
import { startDashboardJob, type DashboardJob } from './dashboard-fixture.js';

/**
 * The dashboard in a real Chromium, served by a real SyncJob that reads a git repository and the sandbox:
 * each page loads without a console error (a CSP violation would be one), the filters work by their
 * controls, and a console edit shows up as drift after the next cycle.
 */

const sb = sandboxFixture({ limits: { reads: 100_000, writes: 100_000 } });
const test = suite('the dashboard in a browser');
let browser: Browser;
let repo: RepoFixture;
const running: DashboardJob[] = [];

const ready = once(async () => {
  await sb.start();
  browser = await launchBrowser();
});
test.after(async () => {
  await browser?.close();
  await sb.stop();
});

/** Each test's start (not a before hook: see `once`): the browser, a fresh sandbox and repository. */
async function fresh(): Promise<void> {
  await ready();
  await sb.it.control.reset();
  repo = repoFixture(SEED, 'Seed the member: a segment, a pixel and line item 205');
  browser.problems.length = 0;
}
test.after.each(async () => {
  for (const job of running.splice(0)) await job.close();
  repo?.cleanup();
  if (browser) assert.equal(browser.problems, [], 'no console error, failed request or page error on any page');
});

async function dashboard(options: Parameters<typeof startDashboardJob>[2] = {}): Promise<DashboardJob> {
  const job = await startDashboardJob(sb.it, repo, options);
  running.push(job);
  return job;
}

/** Applies the repository as it is (a job of its own), so the dashboard's job starts from a converged member. */
async function converge(): Promise<void> {
  const apply = await dashboard({ mode: 'apply' });
  const report = await apply.job.runCycle();
  assert.is(report.result, 'applied', report.failure?.message);
}

const texts = (page: Page, selector: string) => page.locator(selector).allInnerTexts();
const cell = (page: Page, kind: string, status: string) => page.locator(`#state tr[data-kind="${kind}"] td[data-status="${status}"]`).innerText();

const segmentId = () => sb.it.control.snapshot().segments.find((s) => s.code === 'retargeting-segment')!.id;

test('the overview shows the state per kind, the last cycles, the next cycle and the read budget of the day', async () => {
  await fresh();
  await converge();
  repo.commit(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`audiences/aud-${i}.yaml`, segmentYaml(`aud-${String(i).padStart(2, '0')}`, { advertiser_id: 1234, short_name: `Audience ${i}` })])), 'Add thirty audiences');
  const { job, url } = await dashboard({ schedule: { expression: '*/10 * * * *', next: new Date(Date.now() + 7 * 60_000) } });
  const report = await job.runCycle();
  assert.is(report.result, 'drift');

  const page = await browser.open();
  await page.goto(url);
  assert.is(await page.title(), 'Overview · xandr-sync');
  assert.is(await cell(page, 'Segment', 'in_sync'), '1');
  assert.is(await cell(page, 'Segment', 'pending'), '30');
  assert.is(await cell(page, 'ConversionPixel', 'in_sync'), '1');
  assert.is(await cell(page, 'LineItemPixels', 'in_sync'), '1');
  const rows = await texts(page, 'table.cycles tbody tr');
  assert.is(rows.length, 1);
  assert.match(rows[0]!, /#1/);
  assert.match(rows[0]!, /Add thirty audiences/);
  assert.match(rows[0]!, /detect/);
  assert.match(rows[0]!, /drift/);
  assert.match(rows[0]!, new RegExp(`\\b${report.calls.reads}\\b`), 'the reads of the cycle');
  assert.match(await page.locator('#next-cycle').innerText(), /in 7 min/);
  assert.match(await page.locator('#next-cycle').innerText(), /\*\/10 \* \* \* \*/);
  const budget = await page.locator('#read-budget').innerText();
  assert.match(budget, /of 144,000,000 reads/, '100,000 reads per minute for 1,440 minutes');
  assert.is(await page.locator('#read-budget [data-reads]').getAttribute('data-reads'), String(report.calls.reads), 'the reads of the cycles that finished today');
  assert.is(Number(await page.locator('#read-budget meter').getAttribute('value')), report.calls.reads);

  // From a count to the objects it counts, then to one of them, then to its cycle.
  await page.locator('#state tr[data-kind="Segment"] td[data-status="pending"] a').click();
  await page.waitForURL(/\/objects\?kind=Segment&status=pending$/);
  assert.match(await page.locator('#total').innerText(), /^30 of 33 managed objects/);
  await page.locator('tr[data-address="Segment/aud-07"] a').click();
  await page.waitForURL(/\/objects\/Segment%2Faud-07$/);
  assert.is(await page.locator('#address').innerText(), 'Segment/aud-07');
  assert.match(await page.locator('#reason').innerText(), /the plan would create it; not applied: mode detect/);
  await page.locator('#last-action a[href="/cycles/1"]').click();
  await page.waitForURL(/\/cycles\/1$/);
  assert.match(await page.locator('#plan').innerText(), /Plan: 30 to create, 0 to update, 0 to delete\./);
  assert.match(await page.locator('#plan').innerText(), /POST \/segment\?advertiser_id=1234/);
});

test('the objects page filters by kind, status and advertiser through its controls, and pages on the server', async () => {
  await fresh();
  await converge();
  repo.commit(
    {
      ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`audiences/aud-${i}.yaml`, segmentYaml(`aud-${String(i).padStart(2, '0')}`, { advertiser_id: 1234, short_name: `Audience ${i}` })])),
      'member.yaml': segmentYaml('member-wide', { short_name: 'Everyone' }),
    },
    'Add audiences',
  );
  const { job, url } = await dashboard();
  await job.runCycle();
  const page = await browser.open();
  await page.goto(`${url}/objects`);
  assert.match(await page.locator('#total').innerText(), /^34 of 34 managed objects/);

  await page.selectOption('#filter-kind', 'Segment');
  await page.waitForURL(/kind=Segment/);
  assert.match(await page.locator('#total').innerText(), /^32 of 34/);
  assert.ok((await texts(page, 'table.objects tbody td:first-child')).every((k) => k === 'Segment'));

  await page.selectOption('#filter-per-page', '25');
  await page.waitForURL(/per_page=25/);
  assert.is(await page.locator('#page-of').innerText(), 'page 1 of 2');
  assert.is(await page.locator('table.objects tbody tr').count(), 25);
  await page.locator('a[rel="next"]').click();
  await page.waitForURL(/page=2/);
  assert.is(await page.locator('#page-of').innerText(), 'page 2 of 2');
  assert.is(await page.locator('table.objects tbody tr').count(), 7);
  assert.ok(page.url().includes('kind=Segment') && page.url().includes('per_page=25'), 'paging keeps the filters');

  await page.selectOption('#filter-status', 'in_sync');
  await page.waitForURL(/status=in_sync/);
  assert.equal(await page.locator('table.objects tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-address'))), ['Segment/retargeting-segment']);

  await page.selectOption('#filter-status', '');
  await page.waitForURL((u) => !u.search.includes('status='));
  assert.not.match(page.url(), /[?&]page=/, 'a new filter starts at page 1');
  await page.selectOption('#filter-advertiser', 'member');
  await page.waitForURL(/advertiser=member/);
  assert.equal(await texts(page, 'table.objects tbody td:nth-child(2)'), ['Segment/member-wide']);
  await page.selectOption('#filter-advertiser', '1234');
  await page.waitForURL(/advertiser=1234/);
  assert.match(await page.locator('#total').innerText(), /^31 of 34/);
  assert.match(await page.locator('#filter-advertiser option[value="1234"]').innerText(), /1234 · /, 'the advertiser is named from Xandr');

  await page.fill('#filter-q', 'AUD-1');
  await page.press('#filter-q', 'Enter');
  await page.waitForURL(/q=AUD-1/);
  assert.match(await page.locator('#total').innerText(), /^10 of 34/, 'aud-10 to aud-19, ignoring case');

  await page.locator('a.clear').click();
  await page.waitForURL(/\/objects$/);
  assert.match(await page.locator('#total').innerText(), /^34 of 34/);
});

test('an object goes from in sync to drifted after a console edit and the next cycle (mode detect)', async () => {
  await fresh();
  await converge();
  const { job, url } = await dashboard({ mode: 'detect' });
  assert.is((await job.runCycle()).result, 'in_sync');
  const page = await browser.open();
  await page.goto(`${url}/objects/${encodeURIComponent('Segment/retargeting-segment')}`);
  assert.is(await page.locator('.page-head .badge').innerText(), 'in sync');
  assert.is(await page.locator('#xandr-id').innerText(), String(segmentId()));
  assert.is(await page.locator('#fields tr.differs').count(), 0);

  await sb.it.control.upsert({ segments: [{ id: segmentId(), short_name: 'Renamed in the console' }] });
  assert.is((await job.runCycle()).result, 'drift');
  await page.reload();
  assert.is(await page.locator('.page-head .badge').innerText(), 'drifted');
  assert.match(await page.locator('#reason').innerText(), /the plan would update it; not applied: mode detect/);
  const row = page.locator('#fields tr[data-field="short_name"]');
  assert.is(await row.getAttribute('class'), 'differs');
  assert.match(await row.innerText(), /"Retargeting Segment"\s+"Renamed in the console"\s+differs/);
  assert.match(await page.locator('#last-action').innerText(), /update in cycle #2/);
  assert.match(await page.locator('#last-action').innerText(), /short_name: "Renamed in the console" → "Retargeting Segment"/);
  assert.match(await page.locator('#last-action').innerText(), /not applied/);
  assert.match(await page.locator('#changed-by').innerText(), /When/);

  await page.goto(url);
  assert.is(await cell(page, 'Segment', 'drifted'), '1');
  assert.is(await cell(page, 'Segment', 'in_sync'), '0');
  assert.equal((await texts(page, 'table.cycles tbody tr td:nth-child(5)')).map((t) => t.trim()), ['drift', 'in sync']);
  const metrics = parseExposition(await (await fetch(`${url}/metrics`)).text());
  assert.is(valueOf(metrics, 'xandr_sync_drift_objects', { kind: 'Segment' }), 1);
});

test("an object page shows desired and live side by side and its bindings: pixel <-> line item", async () => {
  await fresh();
  await converge();
  const { job, url } = await dashboard();
  await job.runCycle();
  const page = await browser.open();
  await page.goto(`${url}/objects/${encodeURIComponent('ConversionPixel/conversion-pixel')}`);
  assert.match(await page.locator('#fields tr[data-field="trigger_type"]').innerText(), /"hybrid"\s+"hybrid"/);
  assert.match(await page.locator('#bindings').innerText(), /LineItemPixels\/line-item-205 \(in git\)/);
  assert.match(await page.locator('#bindings').innerText(), /line item 205 .*\(in Xandr\)/);
  await page.locator('#bindings a', { hasText: 'LineItemPixels/line-item-205' }).click();
  await page.waitForURL(/LineItemPixels%2Fline-item-205$/);
  assert.match(await page.locator('#bindings').innerText(), /ConversionPixel\/conversion-pixel/);
  assert.match(await page.locator('#bindings').innerText(), /In Xandr the line item has pixels \d+/);
  assert.match(await page.locator('#fields').innerText(), /pixels/);
});

test('a failed cycle shows its stage and diagnostics; the state stays that of the last cycle that read Xandr', async () => {
  await fresh();
  await converge();
  const { job, url } = await dashboard();
  await job.runCycle();
  repo.commit({ 'broken.yaml': 'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: broken\nspec:\n  no_such_field: 1\n' }, 'Break the manifests');
  const failed = await job.runCycle();
  assert.is(failed.failure?.stage, 'validate');
  const page = await browser.open();
  await page.goto(url);
  assert.match(await page.locator('.notice.bad').innerText(), /Cycle #2 failed at validate/);
  assert.match(await page.locator('#state h2').innerText(), /as of cycle #1/);
  await page.goto(`${url}/cycles/2`);
  assert.match(await page.locator('#failure').innerText(), /Failed at validate/);
  assert.match(await page.locator('#failure').innerText(), /broken\.yaml:\d+:\d+/);
  assert.match(await page.locator('#plan').innerText(), /No plan: the cycle stopped before planning/);
});

test('unknown objects, cycles and pages get a 404 page; a bad filter a 400 page; nothing else is served', async () => {
  await fresh();
  const { job, url } = await dashboard();
  await job.runCycle();
  const page = await browser.open();
  for (const [path, status, text] of [
    [`/objects/${encodeURIComponent('Segment/no-such-segment')}`, 404, /No managed object 'Segment\/no-such-segment'/],
    ['/cycles/99', 404, /There is no cycle #99 in this process\. The job keeps cycles #1 to #1\./],
    ['/objects/%E0%A4%A', 404, /No managed object at that address/],
    ['/settings', 404, /There is no such page/],
    ['/objects?status=broken', 400, /status must be one of in_sync, drifted, pending, failed/],
    ['/objects?page=0', 400, /page must be a whole number from 1/],
  ] as const) {
    const response = await page.goto(`${url}${path}`);
    assert.is(response!.status(), status, path);
    assert.match(await page.locator('.notice.bad').innerText(), text, path);
  }
  // The 404s above are expected answers, not problems of the page.
  browser.problems.splice(0, browser.problems.length, ...browser.problems.filter((p) => !/status of (404|400)/.test(p)));
});

test.run();
