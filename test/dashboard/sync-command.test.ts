import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli, sandboxEnv } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { sandboxFixture } from '../helpers/sandbox.js';
import { repoFixture, type RepoFixture } from '../git/repo-fixture.js';

/** The dashboard flags of `xandr-sync sync`, and the dashboard the real binary serves. */

const sb = sandboxFixture({ limits: { reads: 100_000, writes: 100_000 } });
const test = suite('xandr-sync sync: the dashboard flags');
let repo: RepoFixture;
const TOKEN = 'a-dashboard-token-0123456789abcdef';

test.before(sb.start);
test.after(sb.stop);
test.before.each(async () => {
  await sb.it.control.reset();
  repo = repoFixture(SEED, 'seed manifests');
  mkdirSync(join(repo.dir, 'work'));
});
test.after.each(() => repo.cleanup());

const sync = (args: string[]) => runCli(['sync', '--repo', repo.url, '--allow-file-url', ...args], { cwd: join(repo.dir, 'work'), env: sandboxEnv(sb.it.url) });

test('a dashboard on a non-loopback address without a token is refused before anything runs', async () => {
  const run = await sync(['--schedule', '0 0 1 1 *', '--listen', '0.0.0.0:0']);
  assert.is(run.code, 1);
  assert.match(run.stderr, /--listen 0\.0\.0\.0:0 is not a loopback address: the dashboard there needs --dashboard-token-file FILE/);
  assert.equal(sb.it.control.log(), [], 'no call to Xandr');
});

test('a token file must hold a usable token, and goes with the dashboard and an endpoint', async () => {
  const file = (name: string, text: string) => {
    const path = join(repo.dir, name);
    writeFileSync(path, text);
    chmodSync(path, 0o600);
    return path;
  };
  const cases: [string[], RegExp][] = [
    [['--once', '--listen', '127.0.0.1:0', '--dashboard-token-file', file('short', 'abc\n')], /cannot be used: it is shorter than 16 characters/],
    [['--once', '--listen', '127.0.0.1:0', '--dashboard-token-file', file('empty', '')], /cannot be used: it is empty/],
    [['--once', '--listen', '127.0.0.1:0', '--dashboard-token-file', join(repo.dir, 'missing')], /cannot read --dashboard-token-file .*missing/],
    [['--once', '--listen', '127.0.0.1:0', '--no-dashboard', '--dashboard-token-file', file('ok', TOKEN)], /--dashboard-token-file and --no-dashboard cannot be used together/],
    [['--once', '--dashboard-token-file', file('ok2', TOKEN)], /--dashboard-token-file needs an endpoint/],
  ];
  for (const [args, why] of cases) {
    const run = await sync(args);
    assert.is(run.code, 1, args.join(' '));
    assert.match(run.stderr, why, args.join(' '));
  }
});

test('--no-dashboard on a non-loopback address serves /metrics and no dashboard', async () => {
  const run = await sync(['--once', '--listen', '0.0.0.0:0', '--no-dashboard']);
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stderr, /health and metrics on http:\/\/0\.0\.0\.0:\d+ \(\/healthz, \/readyz, \/metrics\): a non-loopback address/);
});

test('the binary serves the dashboard with its token: the next tick of the schedule and the budget of the connection', async () => {
  const tokenFile = join(repo.dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const child = spawn(process.execPath, [BIN, 'sync', '--repo', repo.url, '--allow-file-url', '--schedule', '0 0 1 1 *', '--mode', 'detect', '--listen', '127.0.0.1:0', '--dashboard-token-file', tokenFile], {
    cwd: join(repo.dir, 'work'),
    env: { ...sandboxEnv(sb.it.url), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XANDR_SYNC_LOCK_DIR: join(repo.dir, 'locks') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20_000;
    let endpoint: string | undefined;
    while (!(endpoint = /dashboard, health and metrics on (http:\/\/127\.0\.0\.1:\d+) \(the dashboard at \/ \(token required\)/.exec(stderr)?.[1])) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no endpoint\n${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    // The cycle run at start: the job is ready once it has fetched and logged in.
    while ((await fetch(`${endpoint}/readyz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`never ready\n${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.is((await fetch(`${endpoint}/`)).status, 401);
    const overview = await (await fetch(`${endpoint}/`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const nextNewYear = new Date(new Date().getFullYear() + 1, 0, 1).toISOString();
    assert.ok(overview.includes(`datetime="${nextNewYear}"`), 'the next cycle is node-cron\'s next tick');
    assert.match(overview, /of 144,000 reads/, "the connection's budget: xandr-sync.yaml's default of 100 reads per minute");
    assert.not.match(stderr, new RegExp(TOKEN), 'the token is never printed');
    child.kill('SIGTERM');
    assert.is(await exited, 0, stderr);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
});

test.run();
