import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { seededRandom } from '../helpers/fake-clock.js';
import { bindingYaml, docs, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { sandboxFixture, writesIn } from '../helpers/sandbox.js';

/** A slow apply (two requests in flight, 60-120 ms each) so that a kill lands in the middle of it. */
const SLOW_CONFIG = `apiVersion: xandr-sync/v1
kind: Config
member_id: 958
rate:
  max_in_flight: 2
`;

const files = () => ({
  'xandr-sync.yaml': SLOW_CONFIG,
  'segments.yaml': docs(...Array.from({ length: 30 }, (_, i) => segmentYaml(`kill-seg-${i}`, { short_name: `Segment ${i}`, advertiser_id: 1234 }))),
  'pixels.yaml': docs(...Array.from({ length: 6 }, (_, i) => pixelYaml(`kill-px-${i}`, 1234))),
  'binding.yaml': bindingYaml('li-205', { advertiser_id: 1234, line_item_id: 205 }, [0, 1, 2, 3, 4, 5].map((i) => ({ pixel: `kill-px-${i}`, post_click_revenue: i }))),
});

const sb = sandboxFixture({ latency: { minMs: 60, maxMs: 120 } });
const test = suite('interrupted and concurrent applies');
test.before(sb.start);
test.after(sb.stop);
test.before.each(async () => {
  await sb.it.control.reset();
  sb.it.control.configure({ latency: { minMs: 60, maxMs: 120 } });
});

function noDuplicates(): void {
  const state = sb.it.control.snapshot();
  const segmentCodes = state.segments.map((s) => String(s.code).toLowerCase());
  assert.is(new Set(segmentCodes).size, segmentCodes.length, 'no duplicate segment codes');
  const pixelCodes = state.pixels.filter((p) => p.code).map((p) => `${p.advertiser_id}/${String(p.code).toLowerCase()}`);
  assert.is(new Set(pixelCodes).size, pixelCodes.length, 'no duplicate pixel codes');
}

test('apply killed with SIGKILL at random points, then run again: converges without duplicates', async () => {
  const rng = seededRandom(Number(process.env.CHAOS_SEED ?? 1));
  const ws = workspace(files());
  const env = sandboxEnv(sb.it.url);
  try {
    for (let round = 0; round < 3; round++) {
      await sb.it.control.reset();
      // Kill after a random number of writes has reached the sandbox, wherever the apply then is.
      const killAt = 1 + Math.floor(rng() * 34);
      const killed = await runCli(['apply', '--auto-approve'], { cwd: ws.dir, env, killWhen: () => writesIn(sb.it.control.log()).length >= killAt });
      assert.is(killed.signal, 'SIGKILL', `round ${round}: the apply was still running after ${killAt} writes`);
      const writesBefore = writesIn(sb.it.control.log()).length;
      assert.ok(writesBefore > 0 && writesBefore < 37, `round ${round}: killed part-way (${writesBefore} of 37 writes)`);
      noDuplicates();

      const rerun = await runCli(['apply', '--auto-approve'], { cwd: ws.dir, env });
      assert.is(rerun.code, 0, rerun.stdout + rerun.stderr);
      const after = await runCli(['plan', '--detailed-exitcode'], { cwd: ws.dir, env });
      assert.is(after.code, 0, `round ${round}: converged\n${after.stdout}`);
      noDuplicates();
      const state = sb.it.control.snapshot();
      assert.is(state.segments.filter((s) => String(s.code).startsWith('kill-seg-')).length, 30);
      assert.is(state.lineItems.find((li) => li.id === 205)!.pixels!.length, 6);
    }
  } finally {
    ws.cleanup();
  }
});

test('two applies at once on the same target: one applies, the other refuses and names the holder', async () => {
  const ws = workspace(files());
  const env = sandboxEnv(sb.it.url);
  try {
    const [a, b] = await Promise.all([
      runCli(['apply', '--auto-approve'], { cwd: ws.dir, env }),
      runCli(['apply', '--auto-approve'], { cwd: ws.dir, env }),
    ]);
    const codes = [a.code, b.code].sort();
    assert.equal(codes, [0, 1], `${a.stderr}\n${b.stderr}`);
    const refused = a.code === 1 ? a : b;
    assert.match(refused.stderr, /another apply to this target is running: pid \d+ on .+, started \d{4}-\d\d-\d\dT/);
    noDuplicates();
    const after = await runCli(['plan', '--detailed-exitcode'], { cwd: ws.dir, env });
    assert.is(after.code, 0);
  } finally {
    ws.cleanup();
  }
});

test.run();
