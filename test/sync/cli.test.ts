import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli, sandboxEnv } from '../helpers/cli.js';
import { pixelYaml, SEED } from '../helpers/manifests.js';
import { calls, sandboxFixture, writesIn } from '../helpers/sandbox.js';
import { repoFixture, type RepoFixture } from '../git/repo-fixture.js';
import { startFakeWebhook, type FakeWebhook } from './fake-webhook.js';

const sb = sandboxFixture({ limits: { reads: 100_000, writes: 100_000 } });
const test = suite('xandr-sync sync (the CLI)');
test.before(sb.start);
test.after(sb.stop);

let repo: RepoFixture;
let hook: FakeWebhook;
/** A `git` first on PATH that records every invocation, then runs the real one. */
let shimLog: string;
let shimPath: string;

test.before.each(async () => {
  await sb.it.control.reset();
  repo = repoFixture(SEED, 'seed manifests');
  hook = await startFakeWebhook();
  const bin = join(repo.dir, 'bin');
  mkdirSync(bin);
  shimLog = join(repo.dir, 'git-invocations.log');
  const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${shimLog}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  shimPath = `${bin}:${process.env.PATH ?? ''}`;
});
test.after.each(async () => {
  await hook.close();
  repo.cleanup();
});

const work = () => join(repo.dir, 'work');
const sync = (args: string[], env: Record<string, string> = {}) => {
  mkdirSync(work(), { recursive: true });
  return runCli(['sync', ...args], { cwd: work(), env: { ...sandboxEnv(sb.it.url), PATH: shimPath, ...env } });
};

test('malicious URLs and refs are refused before any git process runs', async () => {
  const marker = join(repo.dir, 'pwned');
  const cases: [string[], RegExp][] = [
    [['--repo', `ext::sh -c touch% ${marker}`], /refusing repository URL .*remote helper/],
    [['--repo', `ext::sh -c "touch ${marker}"`], /refusing repository URL .*remote helper/],
    [[`--repo=--upload-pack=touch ${marker}`], /refusing repository URL .*starts with '-'/],
    [[`--repo=-u${marker}`], /refusing repository URL .*starts with '-'/],
    [['--repo', `ssh://-oProxyCommand=touch%20${marker}/repo`], /refusing repository URL .*read by ssh as an option/],
    [['--repo', repo.url, '--allow-file-url', '--ref=-x'], /refusing ref "-x": it starts with '-'/],
    [['--repo', repo.url, '--allow-file-url', `--ref=--exec=touch ${marker}`], /refusing ref .*starts with '-'/],
    [['--repo', repo.url, '--allow-file-url', '--ref', 'main;rm -rf'], /refusing ref "main;rm -rf": it contains a space/],
    [['--repo', repo.url, '--allow-file-url', '--ref', '..'], /refusing ref "\.\.": it contains '\.\.'/],
    [['--repo', repo.url], /file:\/\/ URLs are accepted only with --allow-file-url/],
  ];
  // Side by side: each case is its own process.
  const runs = await Promise.all(cases.map(([args]) => sync([...args, '--once'])));
  for (const [i, [args, why]] of cases.entries()) {
    const run = runs[i]!;
    assert.is(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, why, args.join(' '));
    assert.not.ok(existsSync(shimLog), `git ran for ${args.join(' ')}: ${existsSync(shimLog) ? readFileSync(shimLog, 'utf8') : ''}`);
    assert.not.ok(existsSync(marker), 'the injected command never ran');
    assert.not.ok(existsSync(join(work(), '.xandr-sync', 'repos')), 'no cache was made');
  }
  // The control: the shim does see git run when the input is good.
  const good = await sync(['--repo', repo.url, '--allow-file-url', '--once']);
  assert.is(good.code, 0, good.stderr);
  assert.match(readFileSync(shimLog, 'utf8'), /^-c core\.hooksPath=\/dev\/null -c protocol\.allow=never -c protocol\.file\.allow=always .*fetch --quiet --no-tags -- file:\/\//m);
});

test('--once applies the commit and the JSON report names it; the next commit goes out on the next run', async () => {
  const first = await sync(['--repo', repo.url, '--allow-file-url', '--once', '--format', 'json']);
  assert.is(first.code, 0, first.stderr);
  const report = JSON.parse(first.stdout);
  const head = repo.git('rev-parse', 'HEAD').trim();
  assert.is(report.result, 'applied');
  assert.is(report.source.commit, head);
  assert.is(report.source.subject, 'seed manifests');
  assert.equal(report.plan.source.git, { commit: head, dirty: false });
  assert.is(report.apply.done, 3);

  const commit = repo.commit({ 'signup.yaml': pixelYaml('signup-pixel', 1234) }, 'Add the signup pixel');
  sb.it.control.clearLog();
  const second = await sync(['--repo', repo.url, '--allow-file-url', '--once']);
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`cycle 1 \\(mode apply\\): file://\\S+ main @ ${commit.slice(0, 12)} "Add the signup pixel"`));
  assert.match(second.stdout, /\+ create ConversionPixel\/signup-pixel/);
  assert.match(second.stdout, /cycle 1: applied 1 change/);
  assert.equal(calls(writesIn(sb.it.control.log())), ['POST /pixel']);
});

test('--once --mode detect: drift is reported, never written, and announced once across runs', async () => {
  const env = { XANDR_SYNC_WEBHOOK_URL: hook.url };
  const args = ['--repo', repo.url, '--allow-file-url', '--once', '--mode', 'detect', '--detailed-exitcode'];
  const first = await sync(args, env);
  assert.is(first.code, 2, first.stderr);
  assert.match(first.stdout, /drift, 3 changes found; nothing written \(mode detect\)/);
  const second = await sync(args, env);
  assert.is(second.code, 2);
  assert.equal(writesIn(sb.it.control.log()), [], 'no write in the request log');
  assert.is(hook.posts.length, 1, 'the second run remembers that this drift was announced');
  assert.match(hook.posts[0].text, /Xandr differs from git/);
  assert.not.match(first.stderr + first.stdout, /secretpath123/, 'the webhook URL is never printed');

  const applied = await sync(['--repo', repo.url, '--allow-file-url', '--once']);
  assert.is(applied.code, 0);
  const third = await sync(args, env);
  assert.is(third.code, 0, 'no drift: exit 0');
  assert.is(hook.posts.length, 2);
  assert.match(hook.posts[1].text, /Xandr matches git again/);
});

test('--once --mode detect: a console edit is attributed in the cycle log and the webhook message, without the session id', async () => {
  const applied = await sync(['--repo', repo.url, '--allow-file-url', '--once']);
  assert.is(applied.code, 0, applied.stderr);
  const segment = sb.it.control.snapshot().segments.find((s: any) => s.code === 'retargeting-segment') as any;
  await sb.it.control.upsert({ by: { user_full_name: 'Jane Trader', request_source: 'hbui' }, segments: [{ id: segment.id, short_name: 'Edited in the console' }] });
  const sessions = sb.it.control.snapshot().changeLog.map((t: any) => t.session_id).filter((v: unknown): v is string => typeof v === 'string');
  const run = await sync(['--repo', repo.url, '--allow-file-url', '--once', '--mode', 'detect'], { XANDR_SYNC_WEBHOOK_URL: hook.url });
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /changed in the console by Jane Trader, [0-9-]+ [0-9:]+ \(short_name: "Retargeting Segment" -> "Edited in the console"\)/);
  assert.is(hook.posts.length, 1);
  assert.match(hook.posts[0].text, /update Segment\/retargeting-segment \(changed in the console by Jane Trader/);
  for (const secret of [...sessions, 'session_id', 'client_ip']) {
    assert.not.ok(run.stdout.includes(secret) || run.stderr.includes(secret) || hook.raw.some((b: string) => b.includes(secret)), `leaked ${secret.slice(0, 10)}`);
  }
});

test('--once runs sharing a cache read incrementally from a 0600 snapshot file; an unreadable one means a full read', async () => {
  const cache = join(repo.dir, 'cache');
  const args = ['--repo', repo.url, '--allow-file-url', '--once', '--mode', 'detect', '--format', 'json', '--cache', cache];
  const first = JSON.parse((await sync(args)).stdout);
  assert.is(first.calls.read_mode, 'full');
  const second = JSON.parse((await sync(args)).stdout);
  assert.is(second.calls.read_mode, 'incremental', second.calls.full_read_reason ?? '');
  assert.ok(second.calls.reads < first.calls.reads, `${second.calls.reads} reads against ${first.calls.reads}`);
  const files = readdirSync(repo.dir).filter((f) => f.startsWith('cache.snapshot-'));
  assert.is(files.length, 1);
  const file = join(repo.dir, files[0]!);
  assert.is(statSync(file).mode & 0o777, 0o600, 'the snapshot is readable by its owner only');
  assert.not.match(readFileSync(file, 'utf8'), /session_id|"token"/);
  writeFileSync(file, '{ not json');
  const third = await sync(args);
  assert.is(JSON.parse(third.stdout).calls.read_mode, 'full');
  assert.match(third.stderr, /cannot be read; this cycle reads Xandr in full/);
});

test('a failed --once cycle exits 1 and says where it stopped', async () => {
  repo.commit({ 'bad.yaml': 'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: x\nspec:\n  short_name: 5\n  bogus: 1\n' }, 'Break it');
  const run = await sync(['--repo', repo.url, '--allow-file-url', '--once']);
  assert.is(run.code, 1);
  assert.match(run.stdout, /bad\.yaml:\d+:\d+: error/);
  assert.match(run.stdout, /failed at validate: \d+ error\(s\) in the manifests/);
  assert.equal(writesIn(sb.it.control.log()), []);
});

test('usage mistakes are refused before anything starts', async () => {
  const cases: [string[], RegExp][] = [
    [[], /--repo URL is required/],
    [['--repo', repo.url, '--allow-file-url'], /--schedule CRON is required/],
    [['--repo', repo.url, '--allow-file-url', '--schedule', 'every minute'], /--schedule 'every minute' is not a cron expression/],
    [['--repo', repo.url, '--allow-file-url', '--schedule', '* * * * *', '--listen', 'example.com:80'], /--listen: 'example\.com' is not an IP address/],
    [['--repo', repo.url, '--allow-file-url', '--once', '--webhook', 'http://hooks.example.com/x'], /refusing plain http/],
    [['--repo', repo.url, '--allow-file-url', '--once', '--path', '../elsewhere'], /--path '\.\.\/elsewhere' leads outside the repository/],
    [['--repo', repo.url, '--allow-file-url', '--once', '--mode', 'fix'], /--mode must be one of apply, detect/],
    [['--repo', repo.url, '--allow-file-url', '--schedule', '* * * * *', '--detailed-exitcode'], /--detailed-exitcode goes with --once/],
  ];
  const runs = await Promise.all(cases.map(([args]) => sync(args)));
  for (const [i, [args, why]] of cases.entries()) {
    const run = runs[i]!;
    assert.is(run.code, 1, args.join(' '));
    assert.match(run.stderr, why, args.join(' '));
  }
  assert.not.ok(existsSync(shimLog), 'git never ran');
});

test('SIGTERM mid-apply: the writes in flight finish, nothing more is sent, the endpoint closes, exit 0', async () => {
  // Long enough that the signal surely lands while the POSTs are in flight, even on a loaded machine.
  sb.it.control.setFaults([{ method: 'POST', action: 'delay', delayMs: 1500 }]);
  mkdirSync(work(), { recursive: true });
  // The schedule never fires during the test: the cycle is the one run at start.
  const child = spawn(process.execPath, [BIN, 'sync', '--repo', repo.url, '--allow-file-url', '--schedule', '0 0 1 1 *', '--listen', '127.0.0.1:0'], {
    cwd: work(),
    env: { ...sandboxEnv(sb.it.url), PATH: shimPath, HOME: process.env.HOME ?? '', XANDR_SYNC_LOCK_DIR: join(work(), '.locks') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20_000;
    while (!sb.it.control.log().some((e) => e.method === 'POST' && e.path !== '/auth')) {
      if (Date.now() > deadline) throw new Error(`no write started\n${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const endpoint = /health and metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!;
    const metrics = await (await fetch(`${endpoint}/metrics`)).text();
    assert.match(metrics, /^xandr_sync_cycle_in_progress 1$/m);
    assert.is((await fetch(`${endpoint}/healthz`)).status, 200);

    child.kill('SIGTERM');
    assert.is(await exited, 0, stderr);
    assert.match(stderr, /stop requested/);
    assert.match(stdout, /cycle 1: cancelled by a stop signal/);
    const writes = writesIn(sb.it.control.log());
    assert.equal(calls(writes).sort(), ['POST /pixel', 'POST /segment'], 'the line-item PUT was never sent');
    assert.ok(writes.every((w) => w.status === 200), 'the writes in flight completed');
    await fetch(`${endpoint}/healthz`).then(
      () => assert.unreachable('the endpoint should be closed'),
      () => undefined,
    );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
});

test.run();
