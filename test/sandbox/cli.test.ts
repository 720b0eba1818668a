import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { sandboxCommand, sandboxOptions } from '../../src/cli/sandbox.js';
import { UsageError } from '../../src/cli/cli-errors.js';
import type { CommandIO } from '../../src/cli/io.js';
import { systemClock } from '../../src/core/clock.js';
import { startChild } from './child.js';
import { Api, ok } from './helpers.js';

const test = suite('xandr-sync sandbox (the command)');

function io(argv: string[], stop: AbortController) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const value: CommandIO = { argv, stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd(), stopSignal: stop.signal, clock: systemClock };
  return { value, out: () => out, err: () => err };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

test('flags become sandbox options', () => {
  assert.equal(sandboxOptions([]), { port: 0, dialect: 'modern' });
  assert.equal(
    sandboxOptions([
      '--port', '8080', '--host', '::1', '--state', 's.json', '--errors', 'legacy', '--user', 'ann:pa:ss', '--user', 'bob:x',
      '--read-limit', '100', '--write-limit', '10', '--window', '30', '--max-in-flight', '5', '--latency', '10-50',
      '--fail-rate', '0.1', '--fail-status', '502', '--reset-rate', '0.05', '--lose-rate', '0.02', '--token-idle', '60',
      '--token-lifetime', '3600', '--seed', '7', '--empty', '--ignore-modified-filter', '--refuse-change-log',
      '--shapes', 'documented',
    ]),
    {
      port: 8080,
      dialect: 'legacy',
      host: '::1',
      statePath: 's.json',
      empty: true,
      users: [{ username: 'ann', password: 'pa:ss' }, { username: 'bob', password: 'x' }],
      limits: { reads: 100, writes: 10, windowMs: 30_000, maxInFlight: 5 },
      tokenIdleMs: 60_000,
      tokenLifetimeMs: 3_600_000,
      ignoreModifiedFilter: true,
      refuseChangeLog: true,
      shapes: 'documented',
      latency: { minMs: 10, maxMs: 50 },
      seed: 7,
      faults: [
        { action: 'reset', rate: 0.05 },
        { action: 'lose', rate: 0.02 },
        { action: 'error', rate: 0.1, status: 502 },
      ],
    },
  );
  assert.equal(sandboxOptions(['--latency', '25']).latency, { minMs: 25, maxMs: 25 });
});

test('bad flags are usage errors that name the flag and never echo a password', () => {
  const cases: [string[], RegExp][] = [
    [['--errors', 'old'], /--errors must be one of modern, legacy/],
    [['--shapes', 'real'], /--shapes must be one of sandbox, documented/],
    [['--port', 'http'], /--port must be a whole number/],
    [['--fail-rate', '2'], /--fail-rate must be a number from 0 to 1/],
    [['--fail-status', '500'], /--fail-status needs --fail-rate/],
    [['--latency', '50-10'], /MAX must not be below MIN/],
    [['--latency', 'slow'], /--latency must be MS or MIN-MAX/],
    [['--user', 'nopassword'], /--user must be NAME:PASSWORD/],
    [['--user', 'ann:'], /--user must be NAME:PASSWORD/],
    [['--frobnicate'], /frobnicate/],
    [['extra'], /'extra'/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => sandboxOptions(argv), (e: unknown) => e instanceof UsageError && message.test(e.message), argv.join(' '));
  }
  try {
    sandboxOptions(['--user', 'ann:', '--errors', 'x']);
  } catch (error) {
    assert.not.match((error as Error).message, 'ann:');
  }
});

test('prints exactly the URL, serves until the stop signal, then closes and returns 0', async () => {
  const stop = new AbortController();
  const cli = io(['--port', '0', '--user', 'ann:Secret-pw-1'], stop);
  const running = sandboxCommand.run(cli.value);
  await until(() => cli.out().includes('\n'));
  assert.match(cli.out(), /^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  const url = cli.out().trim().slice('listening on '.length);
  const api = new Api(url);
  ok(await api.login('ann', 'Secret-pw-1'));
  ok(await api.get('/line-item?id=205'));
  stop.abort();
  assert.is(await running, 0);
  assert.is(cli.err(), '');
  assert.not.match(cli.out(), 'Secret');
  const after = await fetch(`${url}/member`).then(() => 'answered', () => 'refused');
  assert.is(after, 'refused', 'the server is closed');
});

test('a non-loopback host warns on stderr that the sandbox is reachable from the network', async () => {
  const stop = new AbortController();
  const cli = io(['--host', '0.0.0.0'], stop);
  const running = sandboxCommand.run(cli.value);
  await until(() => cli.out().includes('\n'));
  stop.abort();
  assert.is(await running, 0);
  assert.match(cli.err(), /warning: the sandbox listens on 0\.0\.0\.0 and is reachable from the network/);
});

test('as a process: SIGTERM stops it with exit code 0; --errors and --empty take effect', async () => {
  const child = await startChild(['--errors', 'legacy', '--empty']);
  const api = new Api(child.url);
  await api.login();
  assert.equal(ok(await api.get('/line-item')).count, 0, 'empty: no objects');
  assert.equal(ok(await api.get('/member')).members.map((m: any) => m.id), [958], 'but the member is there');
  const missing = await api.get('/segment?id=1');
  assert.is(missing.status, 200, 'legacy dialect');
  assert.is(missing.body.response.error_id, 'SYNTAX');
  child.process.kill('SIGTERM');
  assert.equal(await child.exited, { code: 0, signal: null });
  assert.is(child.stdout(), `listening on ${child.url}\n`);
});

test('a port in use is a clear error, not a stack trace', async () => {
  const stop = new AbortController();
  const first = io(['--port', '0'], stop);
  const running = sandboxCommand.run(first.value);
  await until(() => first.out().includes('\n'));
  const port = first.out().trim().split(':').pop()!;
  try {
    await sandboxCommand.run(io(['--port', port], new AbortController()).value);
    assert.unreachable('the second sandbox should not start');
  } catch (error) {
    assert.match((error as Error).message, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
    assert.is((error as { code?: string }).code, 'SANDBOX_LISTEN');
  } finally {
    stop.abort();
    await running;
  }
});

test.run();
