import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { CONFIG, bindingYaml, docs, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { calls, parsePlan, sandboxFixture, writesIn } from '../helpers/sandbox.js';

const sb = sandboxFixture();
const test = suite('partial failure: dependents skipped, the rest done, the next run does what is left');
test.before(sb.start);
test.after(sb.stop);

test('one pixel create refused by the API', async () => {
  const ws = workspace({
    'xandr-sync.yaml': CONFIG,
    'segments.yaml': docs(segmentYaml('part-a', { short_name: 'A' }), segmentYaml('part-b', { short_name: 'B' })),
    'pixels.yaml': pixelYaml('part-px', 1234),
    'binding.yaml': bindingYaml('li-205', { advertiser_id: 1234, line_item_id: 205 }, [{ pixel: 'part-px', post_click_revenue: 3 }]),
  });
  const env = sandboxEnv(sb.it.url);
  try {
    sb.it.control.setFaults([{ method: 'POST', path: '/pixel', action: 'error', errorId: 'SYNTAX', count: 1 }]);
    const first = await runCli(['apply', '--auto-approve', '--format', 'json'], { cwd: ws.dir, env });
    assert.is(first.code, 1, 'a partial apply exits 1');
    const report = JSON.parse(first.stdout);
    const byStatus = (status: string) => report.outcomes.filter((o: any) => o.status === status).map((o: any) => o.address).sort();
    assert.equal(byStatus('done'), ['Segment/part-a', 'Segment/part-b']);
    assert.equal(byStatus('failed'), ['ConversionPixel/part-px']);
    assert.equal(byStatus('skipped'), ['LineItemPixels/li-205']);
    const failed = report.outcomes.find((o: any) => o.status === 'failed');
    assert.is(failed.error.error_id, 'SYNTAX');
    const skipped = report.outcomes.find((o: any) => o.status === 'skipped');
    assert.match(skipped.reason, /depends on ConversionPixel\/part-px, which failed/);
    assert.equal(report.summary, { done: 2, failed: 1, skipped: 1 });
    assert.equal(calls(writesIn(sb.it.control.log())).sort(), ['POST /pixel', 'POST /segment', 'POST /segment'], 'the PUT was never sent');

    const left = parsePlan((await runCli(['plan', '--format', 'json'], { cwd: ws.dir, env })).stdout);
    assert.equal(left.actions.map((a: any) => a.address), ['ConversionPixel/part-px', 'LineItemPixels/li-205'], 'only what is left');
    sb.it.control.clearLog();
    const second = await runCli(['apply', '--auto-approve'], { cwd: ws.dir, env });
    assert.is(second.code, 0, second.stderr);
    assert.equal(calls(writesIn(sb.it.control.log())), ['POST /pixel', 'PUT /line-item']);
  } finally {
    ws.cleanup();
  }
});

test.run();
