import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { CONFIG, docs, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { parsePlan, readsIn, sandboxFixture } from '../helpers/sandbox.js';

const sb = sandboxFixture();
const test = suite('shards (--advertiser)');
test.before(sb.start);
test.after(sb.stop);

test('a shard plans, reads and applies only its advertisers; the rest stays for its own shard', async () => {
  const ws = workspace({
    'xandr-sync.yaml': CONFIG,
    's.yaml': docs(
      segmentYaml('shard-a', { short_name: 'A', advertiser_id: 1234 }),
      segmentYaml('shard-b', { short_name: 'B', advertiser_id: 5678 }),
      segmentYaml('shard-member', { short_name: 'Member level' }),
    ),
    'p.yaml': docs(pixelYaml('shard-px-a', 1234), pixelYaml('shard-px-b', 5678)),
  });
  const env = sandboxEnv(sb.it.url);
  try {
    sb.it.control.clearLog();
    const plan = parsePlan((await runCli(['plan', '--advertiser', '1234', '--format', 'json'], { cwd: ws.dir, env })).stdout);
    assert.equal(plan.actions.map((a: any) => a.address), ['Segment/shard-a', 'ConversionPixel/shard-px-a']);
    assert.ok(readsIn(sb.it.control.log()).every((e) => e.path !== '/segment' || e.query.advertiser_id === '1234'), 'segments read for the shard only');

    assert.is((await runCli(['apply', '--advertiser', '1234', '--auto-approve'], { cwd: ws.dir, env })).code, 0);
    const rest = parsePlan((await runCli(['plan', '--format', 'json'], { cwd: ws.dir, env })).stdout);
    assert.equal(rest.actions.map((a: any) => a.address).sort(), ['ConversionPixel/shard-px-b', 'Segment/shard-b', 'Segment/shard-member']);
    assert.is((await runCli(['apply', '--auto-approve'], { cwd: ws.dir, env })).code, 0);
    const codes = sb.it.control.snapshot().segments.map((s) => s.code);
    assert.is(codes.filter((c) => c === 'shard-a').length, 1, 'no duplicate from the second, unsharded run');
  } finally {
    ws.cleanup();
  }
});

test.run();
