import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { calls, loginsIn, parsePlan, readsIn, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * The seed flow through the CLI against a sandbox that answers in the shapes Xandr's own articles show
 * (`shapes: 'documented'`, docs/sandbox.md): GET /member without `status`, POST answers of only `status` and
 * a string `id`, listings with null `start_element`/`num_elements`, the singular `line-item` key for a GET by
 * one id, an `authn:` token with `debug_info`. The client must read every one of them as the default shapes.
 */

const sb = sandboxFixture({ shapes: 'documented' });
const test = suite('the seed flow against the answer shapes of Xandr\'s articles');
test.before(sb.start);
test.after(sb.stop);
test.before.each(async () => {
  await sb.it.control.reset();
});

const cli = (args: string[], dir: string) => runCli(args, { cwd: dir, env: sandboxEnv(sb.it.url) });
const explain = (run: { stdout: string; stderr: string }) => `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

test('the sandbox really answers in the documented shapes', async () => {
  assert.is(sb.it.control.config().shapes, 'documented');
  const login = await fetch(`${sb.it.url}/auth`, { method: 'POST', body: JSON.stringify({ auth: { username: 'sandbox', password: 'sandbox' } }) });
  const auth = ((await login.json()) as any).response;
  assert.match(auth.token, /^authn:/);
  assert.ok('debug_info' in auth && !('dbg_info' in auth));
  const member = ((await (await fetch(`${sb.it.url}/member`, { headers: { authorization: auth.token } })).json()) as any).response;
  assert.equal(Object.keys(member), ['members'], 'no status');
});

test("Xandr's seed article: validate, plan, apply, and a second plan with nothing left", async () => {
  const ws = workspace(SEED);
  try {
    const validate = await cli(['validate'], ws.dir);
    assert.is(validate.code, 0, explain(validate));

    const plan = await cli(['plan', '--detailed-exitcode'], ws.dir);
    assert.is(plan.code, 2, explain(plan));
    assert.match(plan.stdout, /Plan: 2 to create, 1 to update, 0 to delete/);
    // One line item by id: the documented answer carries the singular `line-item` key.
    assert.ok(readsIn(sb.it.control.log()).some((e) => e.path === '/line-item' && e.query.id === '205'));

    sb.it.control.clearLog();
    const apply = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(apply.code, 0, explain(apply));
    assert.match(apply.stdout, /Apply complete: 3 done, 0 failed, 0 skipped/);
    const log = sb.it.control.log();
    assert.is(loginsIn(log).length, 1);
    const writes = writesIn(log);
    assert.equal(calls(writes).sort(), ['POST /pixel', 'POST /segment', 'PUT /line-item']);
    // The pixel POST answered {"status": "OK", "id": "<string>"}: the line-item PUT carries that id, as a number.
    const pixel = sb.it.control.snapshot().pixels.find((p: any) => p.code === 'conversion-pixel') as any;
    const put = writes.find((w) => w.method === 'PUT')!;
    assert.equal((put.body as any)['line-item'].pixels, [{ id: pixel.id, state: 'active', post_click_revenue: 100, post_view_revenue: 50 }]);
    assert.match(apply.stdout, new RegExp(`create ConversionPixel/conversion-pixel\\s+\\(id ${pixel.id}\\)`));

    sb.it.control.clearLog();
    const again = await cli(['plan', '--detailed-exitcode'], ws.dir);
    assert.is(again.code, 0, explain(again));
    assert.match(again.stdout, /No changes/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
    const json = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.equal([json.actions.length, json.summary.writes], [0, 0]);
  } finally {
    ws.cleanup();
  }
});

test('the example repository (config-examples/): applied in one run, then nothing left to change', async () => {
  const ws = workspace(filesOf(join(REPO, 'config-examples')));
  try {
    const validate = await cli(['validate'], ws.dir);
    assert.is(validate.code, 0, explain(validate));

    const planned = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.ok(planned.actions.length > 0);
    assert.equal(planned.errors, []);

    sb.it.control.clearLog();
    const apply = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(apply.code, 0, explain(apply));
    assert.is(writesIn(sb.it.control.log()).length, planned.summary.writes, 'exactly the planned writes');

    const again = await cli(['plan', '--detailed-exitcode'], ws.dir);
    assert.is(again.code, 0, explain(again));
    assert.match(again.stdout, /No changes/);
  } finally {
    ws.cleanup();
  }
});

function filesOf(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) Object.assign(files, filesOf(join(dir, entry.name), `${prefix}${entry.name}/`));
    else files[`${prefix}${entry.name}`] = readFileSync(join(dir, entry.name), 'utf8');
  }
  return files;
}

test.run();
