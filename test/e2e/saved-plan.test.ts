import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { sandboxFixture, writesIn } from '../helpers/sandbox.js';

const sb = sandboxFixture();
const test = suite('saved plans and the project file');
test.before(sb.start);
test.after(sb.stop);

test('apply --plan runs where the operator points it, and a project file that names the same API agrees', async () => {
  const config = `apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\napi_url: ${sb.it.url}/\n`;
  const ws = workspace({ ...SEED, 'xandr-sync.yaml': config });
  const env = { XANDR_API_URL: sb.it.url, XANDR_USERNAME: 'sandbox', XANDR_PASSWORD: 'sandbox' };
  try {
    const plan = await runCli(['plan', '--out', 'plan.json'], { cwd: ws.dir, env });
    assert.is(plan.code, 0, plan.stderr);
    const apply = await runCli(['apply', '--plan', 'plan.json', '--auto-approve'], { cwd: ws.dir, env });
    assert.is(apply.code, 0, apply.stdout + apply.stderr);
    assert.is(writesIn(sb.it.control.log()).length, 3);
  } finally {
    ws.cleanup();
  }
});

test('a saved plan is refused on another target as a whole', async () => {
  const ws = workspace(SEED);
  try {
    const plan = await runCli(['plan', '--out', 'plan.json', '--sandbox'], { cwd: ws.dir });
    assert.is(plan.code, 0, plan.stderr);
    sb.it.control.clearLog();
    const apply = await runCli(['apply', '--plan', 'plan.json', '--auto-approve'], {
      cwd: ws.dir,
      env: { XANDR_API_URL: sb.it.url, XANDR_USERNAME: 'sandbox', XANDR_PASSWORD: 'sandbox' },
    });
    assert.is(apply.code, 1);
    assert.match(apply.stderr, /this plan was made for .* \(member 958\), not for xandr http:.*refusing to apply it here/, apply.stderr + apply.stdout);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test.run();
