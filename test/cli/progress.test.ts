import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { drive, FakeClock } from '../helpers/fake-clock.js';
import { workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { sandboxFixture } from '../helpers/sandbox.js';

/**
 * A run bound by latency or the rate limit printed nothing for minutes. Here the sandbox answers every
 * request after 6 s (of fake time, shared with the command), so a plan takes tens of seconds.
 */
const clock = new FakeClock(Date.UTC(2026, 11, 1));
const sb = sandboxFixture({ clock, latency: { minMs: 6000, maxMs: 6000 } });
const test = suite('progress');
test.before(sb.start);
test.after(sb.stop);

function capture(tty = false) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  if (tty) Object.assign(stream, { isTTY: true, columns: 120 });
  return { stream, text: () => text };
}

async function plan(args: string[], tty = false) {
  const ws = workspace(SEED);
  const out = capture();
  const err = capture(tty);
  try {
    const run = main(['plan', ...args], {
      stdout: out.stream,
      stderr: err.stream,
      cwd: ws.dir,
      clock,
      env: { XANDR_API_URL: sb.it.url, XANDR_USERNAME: 'sandbox', XANDR_PASSWORD: 'sandbox', XANDR_TOKEN_CACHE: 'off' },
    });
    const started = clock.now();
    const code = await drive(clock, run, 100);
    return { code, stdout: out.text(), stderr: err.text(), fakeMs: clock.now() - started };
  } finally {
    ws.cleanup();
  }
}

test('a slow plan prints progress lines with counts on stderr, at least every 10 s; its JSON output still parses', async () => {
  const run = await plan(['--format', 'json']);
  assert.is(run.code, 0, run.stderr);
  assert.ok(run.fakeMs > 20_000, `the plan took ${run.fakeMs} ms of (fake) time`);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('Reading Xandr'));
  assert.ok(lines.length >= 2, run.stderr);
  const times = lines.map((l) => Number(/(\d+) s so far/.exec(l)?.[1]));
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! <= 10, `a line at least every 10 s: ${times.join(', ')}`);
  assert.match(run.stderr, /Reading Xandr: (member|segment|advertiser|pixel|line-item) \d+\/\d+/);
  assert.not.match(run.stderr, /\r|\u001b/, 'plain lines off a terminal');
  assert.ok(JSON.parse(run.stdout).actions.length > 0, 'stdout is one JSON document');
});

test('on a terminal, one redrawn line; --quiet says nothing', async () => {
  const tty = await plan([], true);
  assert.match(tty.stderr, /\r\u001b\[2KReading Xandr: /);
  const quiet = await plan(['--quiet']);
  assert.not.match(quiet.stderr, /Reading Xandr/);
});

test.run();
