/**
 * `npm run screenshots`: pictures of the dashboard for docs/sync.md, taken from a real job. The example
 * manifests (config-examples/) are committed to a temporary git repository and applied to an in-process
 * sandbox; then a detect-mode job sees a console edit and a new commit, and headless Chromium photographs
 * its overview and the drifted object's page into docs/. Needs Debian's chromium (/usr/bin/chromium, or
 * XANDR_SYNC_CHROMIUM).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ConfigRepo } from '../src/git/config-repo.js';
import { parseRemoteUrl } from '../src/git/remote-url.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { startCron } from '../src/sync/cron.js';
import { SyncJob } from '../src/sync/job.js';
import { jobDashboardSources, startStatusServer } from '../src/sync/status-server.js';
import type { Connector, SyncMode } from '../src/sync/types.js';
import { XandrClient } from '../src/xandr/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCHEDULE = '*/10 * * * *';
const DRIFTED = 'Segment/acme-hikers';

const work = mkdtempSync(join(tmpdir(), 'xandr-sync-screenshots-'));
const origin = join(work, 'config');
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Ad Ops', '-c', 'user.email=ad-ops@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: origin, stdio: 'pipe' });
cpSync(join(ROOT, 'config-examples'), origin, { recursive: true });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'Seed the example member');

const sandbox = await startSandbox({ port: 0 });
let readsPerMinute: number | null = null;
const connector = (sb: Sandbox): Connector => async (config, onEvent) => {
  const client = new XandrClient({ apiUrl: sb.url, credentials: { username: 'sandbox', password: 'sandbox' }, budget: { readsPerMinute: config.rate.reads_per_minute, writesPerMinute: config.rate.writes_per_minute, maxInFlight: config.rate.max_in_flight }, onEvent });
  readsPerMinute = client.budget.limits.readsPerMinute;
  return { client, target: { kind: 'sandbox', api_url: 'sandbox:screenshots' }, lockKey: sb.url, close: () => client.close() };
};
const job = (mode: SyncMode) =>
  new SyncJob({
    cycle: {
      repo: new ConfigRepo({ remote: parseRemoteUrl(`file://${origin}`, { allowFile: true }), ref: 'main', cacheDir: join(work, `cache-${mode}`) }),
      repoDisplay: 'git@github.com:acme/xandr-config.git',
      ref: 'main',
      path: '.',
      mode,
      lockDir: join(work, 'locks'),
      command: 'xandr-sync sync (screenshots)',
    },
    connector: connector(sandbox),
    signal: new AbortController().signal,
  });

const step = (text: string) => process.stderr.write(`screenshots: ${text}\n`);
const apply = job('apply');
step(`apply the example manifests: ${(await apply.runCycle()).result}`);
await apply.close();

const detect = job('detect');
const trigger = startCron(SCHEDULE, { tick: async () => undefined, overlap: () => undefined, log: () => undefined });
const server = await startStatusServer(
  { host: '127.0.0.1', port: 0 },
  {
    metrics: () => detect.metrics.render(),
    readiness: () => detect.readiness(),
    dashboard: jobDashboardSources(detect, { clock: { now: () => Date.now() }, schedule: () => ({ expression: SCHEDULE, next: trigger.nextRun() }), readsPerMinute: () => readsPerMinute }),
  },
);
try {
  step(`cycle 1: ${(await detect.runCycle()).result}`);
  const hikers = sandbox.control.snapshot().segments.find((s) => s.code === 'acme-hikers')!;
  await sandbox.control.upsert({ segments: [{ id: hikers.id, short_name: 'Hikers (edited in the console)', expire_minutes: 20160 }] });
  step(`cycle 2, after a console edit: ${(await detect.runCycle()).result}`);
  writeFileSync(
    join(origin, 'acme-outdoor', 'winter-sale.yaml'),
    'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: acme-winter-sale\nspec:\n  advertiser_id: 5678\n  short_name: Winter sale visitors\n  expire_minutes: 43200\n',
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'Add the winter sale audience');
  step(`cycle 3, after a commit: ${(await detect.runCycle()).result}`);

  const browser = await chromium.launch({
    executablePath: process.env.XANDR_SYNC_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, timezoneId: 'UTC', locale: 'en-GB' });
    for (const [path, file] of [
      ['/', 'dashboard-overview.png'],
      [`/objects/${encodeURIComponent(DRIFTED)}`, 'dashboard-object.png'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.screenshot({ path: join(ROOT, 'docs', file), fullPage: true });
      step(`wrote docs/${file}`);
    }
  } finally {
    await browser.close();
  }
} finally {
  trigger.stop();
  await detect.close();
  await server.close();
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
}
