import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { SEED } from '../helpers/manifests.js';
import { sandboxFixture } from '../helpers/sandbox.js';
import { repoFixture, type RepoFixture } from '../git/repo-fixture.js';
import { launchBrowser, once, type Browser } from './browser.js';
import { startDashboardJob, type DashboardJob } from './dashboard-fixture.js';

/**
 * Names from Xandr, git and the manifests are someone else's: planted through the sandbox (a console edit,
 * a console-made advertiser name, a segment whose code is markup) and git (a commit subject), every one must
 * show as the text it is, and no script of theirs may run, on every page. The escaping is what is tested:
 * the CSP would block an inline script anyway, so the checks look at the DOM, not only at what ran.
 */

const IMG = `<img src=x onerror="window.__pwned='img'">`;
const SCRIPT = `<script>window.__pwned='script'</script>`;
const CODE = '<script>alert(1)</script>';
const BOLD = '<b>bold</b> & "quoted"';

const sb = sandboxFixture({ limits: { reads: 100_000, writes: 100_000 } });
const test = suite('hostile strings on the dashboard');
let browser: Browser;
let repo: RepoFixture;
let dash: DashboardJob;

/**
 * The setup runs in the first test that awaits it: uvu reports a suite whose before hook threw as 0 of N
 * passed yet exits 0, which a failing setup must never look like.
 */
const ready = once(async () => {
  await sb.start();
  browser = await launchBrowser();
  repo = repoFixture({ ...SEED, 'xandr-sync.yaml': 'apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\nprune: deactivate\n' }, `Seed ${SCRIPT}`);
  const apply = await startDashboardJob(sb.it, repo, { mode: 'apply' });
  assert.is((await apply.job.runCycle()).result, 'applied');
  await apply.close();

  const segment = sb.it.control.snapshot().segments.find((s) => s.code === 'retargeting-segment')!;
  await sb.it.control.upsert({
    advertisers: [{ id: 1234, name: `Acme ${SCRIPT}` }],
    segments: [
      { id: segment.id, short_name: IMG },
      { id: 9_000_001, code: CODE, advertiser_id: 1234, member_id: 958, short_name: BOLD, state: 'active' },
    ],
  });
  repo.commit({ 'notes.txt': 'x' }, `${IMG} and ${SCRIPT} \u202egnp.exe`);
  dash = await startDashboardJob(sb.it, repo, { mode: 'detect' });
  const report = await dash.job.runCycle();
  assert.is(report.result, 'drift', report.failure?.message);
  assert.ok(report.plan!.actions.some((a) => a.address === `Segment/${CODE}`), 'prune plans to deactivate the segment with the hostile code');
});
test.after(async () => {
  await dash?.close();
  await browser?.close();
  await sb.stop();
  repo?.cleanup();
});

/** Nothing of theirs became markup: no image, no bold, no script but ours, and nothing ran. */
async function assertInert(page: Page, where: string): Promise<void> {
  assert.is(await page.evaluate(() => (globalThis as { __pwned?: string }).__pwned), undefined, `${where}: no planted script ran`);
  assert.is(await page.locator('img[src="x"]').count(), 0, `${where}: no planted image`);
  assert.is(await page.locator('main b').count(), 0, `${where}: no planted markup`);
  const scripts = await page.locator('script').evaluateAll((list) => list.map((s) => (s as unknown as { src: string }).src));
  assert.equal(scripts.map((s) => new URL(s).pathname), ['/assets/dashboard.js'], `${where}: our script only`);
}

test('the overview shows a hostile commit subject as text', async () => {
  await ready();
  const page = await browser.open();
  await page.goto(dash.url);
  await assertInert(page, 'overview');
  assert.ok((await page.locator('table.cycles').innerText()).includes(`${IMG} and ${SCRIPT}`));
});

test('the objects page shows a hostile address and advertiser name as text, and links to it encoded', async () => {
  await ready();
  const page = await browser.open();
  await page.goto(`${dash.url}/objects`);
  await assertInert(page, 'objects');
  const link = page.locator('table.objects a', { hasText: `Segment/${CODE}` });
  assert.is(await link.getAttribute('href'), `/objects/${encodeURIComponent(`Segment/${CODE}`)}`);
  assert.ok((await page.locator('#filter-advertiser').innerText()).includes(`Acme ${SCRIPT}`));
  await page.selectOption('#filter-advertiser', '1234');
  await page.waitForURL(/advertiser=1234/);
  await assertInert(page, 'objects filtered');
  await link.click();
  await page.waitForURL(/Segment%2F%3Cscript%3E/);
  await assertInert(page, 'the hostile object');
  assert.is(await page.locator('#address').innerText(), `Segment/${CODE}`);
  assert.match(await page.locator('#reason').innerText(), /the plan would deactivate it/);
  assert.ok((await page.locator('#fields').innerText()).includes(JSON.stringify(BOLD)));
});

test('the drifted object page shows hostile live values as text, hidden characters escaped', async () => {
  await ready();
  const page = await browser.open();
  await page.goto(`${dash.url}/objects/${encodeURIComponent('Segment/retargeting-segment')}`);
  await assertInert(page, 'object');
  const fields = await page.locator('#fields').innerText();
  assert.ok(fields.includes(JSON.stringify(IMG)), 'the planted short_name, as text');
  assert.ok((await page.locator('#last-action').innerText()).includes(`short_name: ${JSON.stringify(IMG)} → "Retargeting Segment"`));
  assert.ok((await page.locator('main').innerText()).includes(`Acme ${SCRIPT}`), 'the advertiser name');
});

test('the cycle page renders the plan with hostile addresses and values as text', async () => {
  await ready();
  const page = await browser.open();
  await page.goto(`${dash.url}/cycles/1`);
  await assertInert(page, 'cycle');
  const plan = await page.locator('#plan').innerText();
  assert.ok(plan.includes(`Segment/${CODE}`));
  assert.ok(plan.includes(JSON.stringify(IMG)));
  assert.ok((await page.locator('main').innerText()).includes(`${IMG} and ${SCRIPT}`), 'the commit subject');
  const html = await (await fetch(`${dash.url}/cycles/1`)).text();
  assert.not.ok(html.includes('\u202e'), 'a bidirectional override never reaches the page');
  assert.ok(html.includes('\\u202e'), 'it is shown escaped');
  assert.equal(browser.problems, [], 'no console error: nothing was even attempted against the CSP');
});

test.run();
