import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configYaml } from '../../bench/repository.js';
import { DEFAULT_SHAPE, generateWorkload, objectCount } from '../../bench/workload.js';
import { sandboxFixture } from '../helpers/sandbox.js';
import { repoFixture, type RepoFixture } from '../git/repo-fixture.js';
import { launchBrowser, once, type Browser } from './browser.js';
import { startDashboardJob, type DashboardJob } from './dashboard-fixture.js';

/**
 * The 28,000-object member of the bench (bench/workload.ts: 20,000 segments, 5,000 pixels, 3,000 line
 * items with pixels and segment targeting across 20 advertisers, 5 % drifted), after one detect cycle: the object pages and their filters
 * answer, with counts that match the drift the workload made. How fast is measured by `npm run bench`
 * (BENCHMARKS.md), never asserted here.
 */

const workload = generateWorkload(DEFAULT_SHAPE, 1);
const sb = sandboxFixture({ empty: true, limits: { reads: 1_000_000, writes: 1_000_000, logins: 1_000_000 } });
const test = suite('the dashboard of a 28,000-object member');
let browser: Browser;
let repo: RepoFixture;
let dash: DashboardJob;

/** Every segment, pixel and line item, and each line item's targeting document: 31,000 manifests. */
const MANAGED = objectCount(DEFAULT_SHAPE) + DEFAULT_SHAPE.lineItems;

const expected = (kind: string, action: string) => [...workload.changes.values()].filter((c) => c.kind === kind && c.action === action).length;

const ready = once(async () => {
  await sb.start();
  await sb.it.control.upsert(workload.live);
  repo = repoFixture({ 'xandr-sync.yaml': configYaml({ readsPerMinute: 100_000, writesPerMinute: 100_000, maxInFlight: 15 }), ...Object.fromEntries(workload.files) }, 'The bench workload');
  dash = await startDashboardJob(sb.it, repo, { mode: 'detect' });
  const report = await dash.job.runCycle();
  assert.is(report.result, 'drift', report.failure?.message);
  assert.is(report.plan!.actions.length, workload.changes.size);
  browser = await launchBrowser();
});
test.after(async () => {
  await browser?.close();
  await dash?.close();
  await sb.stop();
  repo?.cleanup();
});

test('the overview counts every object by kind and status as the workload drifted them', async () => {
  await ready();
  const page = await browser.open();
  await page.goto(dash.url);
  const cell = (kind: string, status: string) => page.locator(`#state tr[data-kind="${kind}"] td[data-status="${status}"]`).innerText();
  const number = (text: string) => Number(text.replace(/,/g, ''));
  assert.is(number(await cell('Segment', 'pending')), expected('Segment', 'create'));
  assert.is(number(await cell('Segment', 'drifted')), expected('Segment', 'update'));
  assert.is(number(await cell('Segment', 'in_sync')), DEFAULT_SHAPE.segments - expected('Segment', 'create') - expected('Segment', 'update'));
  assert.is(number(await cell('ConversionPixel', 'drifted')), expected('ConversionPixel', 'update'));
  assert.is(number(await cell('LineItemPixels', 'drifted')), expected('LineItemPixels', 'update'));
  assert.is(number(await cell('LineItemSegments', 'drifted')), expected('LineItemSegments', 'update'));
  assert.is(number(await page.locator('#state tbody tr:last-child td:last-child').innerText()), MANAGED);
  assert.equal(browser.problems, []);
});

test('/objects pages through 31,000 managed objects and filters them by kind, status and advertiser through its controls', async () => {
  await ready();
  const page = await browser.open();
  await page.goto(`${dash.url}/objects`);
  assert.match(await page.locator('#total').innerText(), /^31,000 of 31,000 managed objects/);
  assert.is(await page.locator('#page-of').innerText(), 'page 1 of 620');
  assert.is(await page.locator('table.objects tbody tr').count(), 50);

  await page.selectOption('#filter-kind', 'LineItemPixels');
  await page.waitForURL(/kind=LineItemPixels/);
  await page.selectOption('#filter-status', 'drifted');
  await page.waitForURL(/status=drifted/);
  const drifted = expected('LineItemPixels', 'update');
  assert.match(await page.locator('#total').innerText(), new RegExp(`^${drifted} of 31,000`));
  assert.ok((await page.locator('table.objects tbody td:nth-child(4)').allInnerTexts()).every((s) => s === 'drifted'));

  await page.selectOption('#filter-advertiser', '30001');
  await page.waitForURL(/advertiser=30001/);
  const perAdvertiser = Number((await page.locator('#total').innerText()).split(' ')[0]);
  assert.ok(perAdvertiser > 0 && perAdvertiser < drifted, `a share of the drifted line items (${perAdvertiser} of ${drifted})`);
  assert.ok((await page.locator('table.objects tbody td:nth-child(3)').allInnerTexts()).every((a) => a.startsWith('30001')));

  await page.locator('table.objects tbody tr:first-child td:nth-child(2) a').click();
  await page.waitForURL(/\/objects\/LineItemPixels%2F/);
  assert.is(await page.locator('.page-head .badge').innerText(), 'drifted');
  assert.ok((await page.locator('#fields tr.differs').count()) >= 1, 'the drifted field is marked');

  const last = await (await fetch(`${dash.url}/objects?page=620`)).text();
  assert.match(last, /page 620 of 620/);
  assert.equal(browser.problems, []);
});

test.run();
