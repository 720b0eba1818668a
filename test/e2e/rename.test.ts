import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { CONFIG, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { calls, parsePlan, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * Renaming (issue 16, point 4): a manifest whose metadata.name changed, with the old name in
 * metadata.previous_names, plans one `rename` (one PUT writing the new code onto the same object) instead
 * of a create and an orphan; prune leaves the object alone; the re-plan is empty.
 */
const sb = sandboxFixture();
const test = suite('renames');
test.before(sb.start);
test.after(sb.stop);
test.before.each(async () => {
  await sb.it.control.reset();
});

const cli = (args: string[], dir: string) => runCli(args, { cwd: dir, env: sandboxEnv(sb.it.url) });

const renamed = (yaml: string, previous: string) => yaml.replace(/(  name: [^\n]+\n)/, `$1  previous_names: [${previous}]\n`);

test('a renamed segment and pixel: one rename each, the same ids, with prune on; then nothing to do', async () => {
  const ws = workspace({
    'xandr-sync.yaml': `${CONFIG}prune: delete\n`,
    'segments.yaml': segmentYaml('old-audience', { advertiser_id: 1234, short_name: 'Audience' }),
    'pixels.yaml': pixelYaml('old-checkout', 1234),
  });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    const before = sb.it.control.snapshot();
    const segmentId = (before.segments.find((s: any) => s.code === 'old-audience') as any).id;
    const pixelId = (before.pixels.find((p: any) => p.code === 'old-checkout') as any).id;

    ws.write({
      'segments.yaml': renamed(segmentYaml('audience', { advertiser_id: 1234, short_name: 'Audience' }), 'old-audience'),
      'pixels.yaml': renamed(pixelYaml('checkout', 1234, { name: 'Pixel old-checkout' }), 'old-checkout'),
    });
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.equal(plan.errors, []);
    assert.equal(
      plan.actions.map((a: any) => [a.address, a.action, a.id, a.request.method, a.request.body]),
      [
        ['Segment/audience', 'rename', segmentId, 'PUT', { segment: { code: 'audience' } }],
        ['ConversionPixel/checkout', 'rename', pixelId, 'PUT', { pixel: { code: 'checkout' } }],
      ],
    );
    assert.is(plan.summary.rename, 2);
    const text = await cli(['plan'], ws.dir);
    assert.match(text.stdout, /~ rename Segment\/audience/);
    assert.match(text.stdout, /renames segment \d+ from code 'old-audience' to 'audience'/);
    assert.match(text.stdout, /2 to rename/);

    sb.it.control.clearLog();
    const applied = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(calls(writesIn(sb.it.control.log())).sort(), ['PUT /pixel', 'PUT /segment']);
    const after = sb.it.control.snapshot();
    assert.is((after.segments.find((s: any) => s.id === segmentId) as any).code, 'audience');
    assert.is((after.pixels.find((p: any) => p.id === pixelId) as any).code, 'checkout');
    const again = await cli(['plan', '--detailed-exitcode'], ws.dir);
    assert.is(again.code, 0, again.stdout + again.stderr);
  } finally {
    ws.cleanup();
  }
});

test('without previous_names a rename is a create and an orphan; the plan of a new name finds no object by an old one', async () => {
  const ws = workspace({ 'xandr-sync.yaml': CONFIG, 'segments.yaml': segmentYaml('old-audience', { advertiser_id: 1234, short_name: 'Audience' }) });
  try {
    assert.is((await cli(['apply', '--auto-approve'], ws.dir)).code, 0);
    ws.write({ 'segments.yaml': segmentYaml('audience', { advertiser_id: 1234, short_name: 'Audience' }) });
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.equal(plan.actions.map((a: any) => [a.address, a.action]), [['Segment/audience', 'create']]);
  } finally {
    ws.cleanup();
  }
});

test.run();
