import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { docs, segmentYaml } from '../helpers/manifests.js';
import { sandboxFixture, writesIn } from '../helpers/sandbox.js';

const GUARDED = `apiVersion: xandr-sync/v1
kind: Config
member_id: 958
guards:
  max_changes: 2
`;

const sb = sandboxFixture();
const test = suite('guards stop an apply before its first write');
test.before(sb.start);
test.after(sb.stop);
test.before.each(() => sb.it.control.reset());

const three = docs(segmentYaml('g-1', { short_name: 'One' }), segmentYaml('g-2', { short_name: 'Two' }), segmentYaml('g-3', { short_name: 'Three' }));

test('max_changes from xandr-sync.yaml: refused, no write, the message names the guard and the override', async () => {
  const ws = workspace({ 'xandr-sync.yaml': GUARDED, 's.yaml': three });
  try {
    const plan = await runCli(['plan'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.match(plan.stdout, /apply will refuse this plan: 3 changes exceed guards.max_changes \(2\)/);
    sb.it.control.clearLog();
    const run = await runCli(['apply', '--auto-approve'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(run.code, 1);
    assert.match(run.stderr, /guard: 3 changes exceed guards\.max_changes \(2\); raise it in xandr-sync\.yaml or pass --max-changes 3/);
    assert.match(run.stderr, /Nothing was written to Xandr/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test('a flag overrides the file, both ways', async () => {
  const ws = workspace({ 'xandr-sync.yaml': GUARDED, 's.yaml': three });
  try {
    const raised = await runCli(['apply', '--auto-approve', '--max-changes', '3'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(raised.code, 0, raised.stderr);
    assert.is(writesIn(sb.it.control.log()).length, 3);

    ws.write({ 's.yaml': docs(segmentYaml('g-1', { short_name: 'One!' }), segmentYaml('g-2', { short_name: 'Two!' })) });
    sb.it.control.clearLog();
    const lowered = await runCli(['apply', '--auto-approve', '--max-changes', '1'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(lowered.code, 1);
    assert.match(lowered.stderr, /2 changes exceed guards.max_changes \(1\)/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test.run();
