import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { bindingYaml, docs, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { calls, parsePlan, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/** Prune end to end: the CLI against a sandbox over HTTP, checked in the sandbox's state and request log. */

const config = (prune: string, extra = '') => `apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\nprune: ${prune}\n${extra}`;
const seg = (name: string) => segmentYaml(name, { advertiser_id: 1234, short_name: `Segment ${name}` });

const sb = sandboxFixture();
const test = suite('prune end to end');
test.before(sb.start);
test.after(sb.stop);
test.before.each(() => sb.it.control.reset());

const cli = (args: string[], dir: string) => runCli(args, { cwd: dir, env: sandboxEnv(sb.it.url) });
const segments = () => sb.it.control.snapshot().segments;
const byCode = (code: string) => segments().find((s) => s.code === code);

async function applied(dir: string) {
  const run = await cli(['apply', '--auto-approve'], dir);
  assert.is(run.code, 0, run.stdout + run.stderr);
  return run;
}

for (const mode of ['deactivate', 'delete'] as const) {
  test(`prune: ${mode}: removing one manifest ${mode}s exactly that object, and the next plan is empty`, async () => {
    const ws = workspace({ 'xandr-sync.yaml': config(mode), 'segments.yaml': docs(seg('a'), seg('b'), seg('c')) });
    try {
      await applied(ws.dir);
      const b = byCode('b')!;
      ws.write({ 'segments.yaml': docs(seg('a'), seg('c')) });
      const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
      assert.equal(plan.errors, []);
      assert.equal(plan.actions.map((a: any) => [a.address, a.action, a.id]), [['Segment/b', mode, b.id]]);
      assert.match(plan.warnings.join('\n'), mode === 'delete' ? /prune DELETES 1 object that no manifest describes: Segment\/b/ : /prune deactivates 1 object/);

      const text = await cli(['plan'], ws.dir);
      assert.match(text.stdout, new RegExp(`${mode === 'delete' ? '- delete' : '~ deactivate'} Segment/b`));
      assert.match(text.stdout, /Warning: prune/);
      assert.match(text.stdout, mode === 'delete' ? /Prune DELETES 1 object that no manifest describes/ : /Prune deactivates 1 object/);
      const markdown = await cli(['plan', '--format', 'markdown'], ws.dir);
      assert.match(markdown.stdout, /prune (DELETES|deactivates) 1 object that no manifest describes/);

      sb.it.control.clearLog();
      await applied(ws.dir);
      const writes = writesIn(sb.it.control.log());
      assert.is(writes.length, 1);
      assert.equal(writes[0]!.query.id, String(b.id));
      if (mode === 'delete') {
        assert.is(writes[0]!.method, 'DELETE');
        assert.is(byCode('b'), undefined);
      } else {
        assert.equal(writes[0]!.body, { segment: { state: 'inactive' } });
        assert.is(byCode('b')!.state, 'inactive');
      }
      assert.is(byCode('a')!.state, 'active');
      assert.is(byCode('c')!.state, 'active');
      const again = await cli(['plan', '--detailed-exitcode'], ws.dir);
      assert.is(again.code, 0, again.stdout);
    } finally {
      ws.cleanup();
    }
  });
}

test('an empty manifest directory is refused, and so is one whose files hold no manifest', async () => {
  await sb.it.control.upsert({ segments: [{ id: 7001, code: 'precious', member_id: 958, advertiser_id: 1234, short_name: 'Precious', state: 'active' }] });
  const ws = workspace({ 'xandr-sync.yaml': config('delete') });
  try {
    sb.it.control.clearLog();
    const empty = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(empty.code, 1);
    assert.match(empty.stderr, /no-manifests/);
    ws.write({ 'segments.yaml': '# everything was deleted on this branch\n' });
    const blank = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(blank.code, 1);
    assert.match(blank.stdout, /error empty-prune prune is 'delete' but the manifests describe no object at all/);
    const shard = await cli(['plan', '--advertiser', '1234'], ws.dir);
    assert.is(shard.code, 1, 'a shard run without manifests is refused as well');
    assert.match(shard.stdout, /empty-prune/);
    assert.equal(writesIn(sb.it.control.log()), []);
    assert.ok(byCode('precious'));
  } finally {
    ws.cleanup();
  }
});

test('an advertiser whose manifests declare no segment any more keeps its segments unless empty prune is allowed', async () => {
  const ws = workspace({ 'xandr-sync.yaml': config('delete'), 'segments.yaml': docs(seg('a'), seg('b')), 'pixels.yaml': pixelYaml('px', 1234) });
  try {
    await applied(ws.dir);
    ws.remove('segments.yaml'); // a glob typo, an unmerged branch: what it looks like
    sb.it.control.clearLog();
    const refused = await cli(['apply', '--auto-approve'], ws.dir);
    assert.is(refused.code, 1);
    assert.match(refused.stdout, /prune would delete all 2 segments with a code of advertiser 1234, because the manifests declare no segment for it/);
    assert.equal(writesIn(sb.it.control.log()), []);
    const allowed = parsePlan((await cli(['plan', '--format', 'json', '--allow-empty-prune'], ws.dir)).stdout);
    assert.equal(allowed.actions.map((a: any) => [a.address, a.action]), [['Segment/a', 'delete'], ['Segment/b', 'delete']]);
  } finally {
    ws.cleanup();
  }
});

test('a protected object survives the removal of its manifest', async () => {
  const ws = workspace({ 'xandr-sync.yaml': config('delete', 'protect:\n  - Segment/keep-*\n'), 'segments.yaml': docs(seg('a'), seg('keep-me'), seg('b')) });
  try {
    await applied(ws.dir);
    ws.write({ 'segments.yaml': seg('a') });
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.equal(plan.actions.map((a: any) => a.address), ['Segment/b']);
    await applied(ws.dir);
    assert.ok(byCode('keep-me'), 'protected');
    assert.is(byCode('b'), undefined);
  } finally {
    ws.cleanup();
  }
});

test('a pixel in use is detached from every line item (managed or not) before it is deleted', async () => {
  const ws = workspace({
    'xandr-sync.yaml': config('delete'),
    'pixels.yaml': docs(pixelYaml('doomed', 1234), pixelYaml('kept', 1234)),
    'line-items.yaml': bindingYaml('li-205', { advertiser_id: 1234, line_item_id: 205, policy: 'additive' }, [{ pixel: 'doomed', post_click_revenue: 4 }, { pixel: 'kept' }]),
  });
  try {
    await applied(ws.dir);
    const pixels = () => sb.it.control.snapshot().pixels as { id: number; code: string | null }[];
    const doomed = pixels().find((p) => p.code === 'doomed')!.id;
    const kept = pixels().find((p) => p.code === 'kept')!.id;
    // A trader attached it in the console to line item 206 too, which no manifest manages.
    await sb.it.control.upsert({
      lineItems: [{ id: 206, advertiser_id: 1234, pixels: [{ id: kept, state: 'inactive' }, { id: doomed, state: 'active' }] }],
    });
    ws.write({
      'pixels.yaml': pixelYaml('kept', 1234),
      'line-items.yaml': bindingYaml('li-205', { advertiser_id: 1234, line_item_id: 205, policy: 'additive' }, [{ pixel: 'kept' }]),
    });
    const plan = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
    assert.equal(plan.errors, []);
    assert.equal(plan.actions.map((a: any) => [a.address, a.action, a.wave]), [
      ['LineItemPixels/li-205', 'update', 1],
      ['LineItemPixels/line-item#206', 'update', 1],
      ['ConversionPixel/doomed', 'delete', 2],
    ]);

    sb.it.control.clearLog();
    await applied(ws.dir);
    const log = writesIn(sb.it.control.log());
    assert.equal(calls(log), ['PUT /line-item', 'PUT /line-item', 'DELETE /pixel']);
    const del = log[2]!;
    assert.ok(log.slice(0, 2).every((put) => put.seq < del.seq && put.status === 200), 'both detaches answered before the delete was sent');
    assert.is(del.status, 200, 'Xandr accepted the delete: the pixel was no longer in use');
    const state = sb.it.control.snapshot();
    assert.not.ok(state.pixels.some((p: any) => p.id === doomed));
    const lineItem = (id: number) => state.lineItems.find((li: any) => li.id === id)!.pixels!.map((p: any) => [Number(p.id), p.state]);
    assert.equal(lineItem(205), [[kept, 'active']]);
    assert.equal(lineItem(206), [[kept, 'inactive']], 'the other pixel of the unmanaged line item is kept as it was');
    assert.is((await cli(['plan', '--detailed-exitcode'], ws.dir)).code, 0);
  } finally {
    ws.cleanup();
  }
});

test('never touched: objects without a code, of advertisers the repository does not declare, member-level ones it does not declare', async () => {
  await sb.it.control.upsert({
    advertisers: [{ id: 9999, member_id: 958, name: 'Someone else', state: 'active' }],
    segments: [
      { id: 7001, code: null, member_id: 958, advertiser_id: 1234, short_name: 'Console-made', state: 'active' },
      { id: 7002, code: 'other-team', member_id: 958, advertiser_id: 9999, short_name: 'Other team', state: 'active' },
      { id: 7003, code: 'network', member_id: 958, advertiser_id: null, short_name: 'Member level', state: 'active' },
    ],
    pixels: [{ id: 7100, code: 'their-pixel', member_id: 958, advertiser_id: 9999, name: 'Theirs', state: 'active', trigger_type: 'click' }],
  });
  const ws = workspace({ 'xandr-sync.yaml': config('delete'), 'segments.yaml': seg('a') });
  try {
    sb.it.control.clearLog();
    await applied(ws.dir);
    assert.equal(calls(writesIn(sb.it.control.log())), ['POST /segment']);
    assert.equal(
      [7001, 7002, 7003].map((id) => segments().some((s) => s.id === id)),
      [true, true, true],
    );
  } finally {
    ws.cleanup();
  }
});

test('a saved plan with prune actions applies them, and refuses one whose object changed since', async () => {
  const ws = workspace({ 'xandr-sync.yaml': config('delete'), 'segments.yaml': docs(seg('a'), seg('b'), seg('c')) });
  try {
    await applied(ws.dir);
    ws.write({ 'segments.yaml': seg('a') });
    const saved = await cli(['plan', '--out', 'plan.json'], ws.dir);
    assert.is(saved.code, 0, saved.stderr);
    const c = byCode('c')!;
    await sb.it.control.upsert({ segments: [{ ...c, short_name: 'Renamed in the console' }] });
    const run = await cli(['apply', '--plan', 'plan.json', '--auto-approve'], ws.dir);
    assert.is(run.code, 1, 'partly refused');
    assert.match(run.stderr, /Refusing Segment\/c: changed since the plan was made: short_name/);
    assert.is(byCode('b'), undefined, 'b was deleted as planned');
    assert.ok(byCode('c'), 'c was not');
  } finally {
    ws.cleanup();
  }
});

test('prune needs the whole manifest tree: a PATH below the root is refused', async () => {
  const ws = workspace({ 'xandr-sync.yaml': config('delete'), 'acme/segments.yaml': seg('a'), 'member/segments.yaml': seg('b') });
  try {
    const run = await cli(['plan', 'acme'], ws.dir);
    assert.is(run.code, 1);
    assert.match(run.stderr, /prune \(delete\) needs the whole manifest tree, but acme is only part of the root/);
    assert.is((await cli(['plan', 'acme', '--prune', 'none'], ws.dir)).code, 0);
  } finally {
    ws.cleanup();
  }
});

test('--prune and --target/--exclude on plan and apply; not with a saved plan', async () => {
  const ws = workspace({ 'xandr-sync.yaml': config('none'), 'segments.yaml': docs(seg('acme-a'), seg('acme-b'), seg('other')) });
  try {
    await applied(ws.dir);
    ws.write({ 'segments.yaml': docs(segmentYaml('acme-a', { advertiser_id: 1234, short_name: 'A2' }), segmentYaml('other', { advertiser_id: 1234, short_name: 'O2' })) });
    const targeted = parsePlan((await cli(['plan', '--format', 'json', '--prune', 'delete', '--target', 'Segment/acme-*'], ws.dir)).stdout);
    assert.equal(targeted.actions.map((a: any) => [a.address, a.action]), [['Segment/acme-a', 'update'], ['Segment/acme-b', 'delete']]);
    assert.match(targeted.warnings.join('\n'), /partial plan \(--target Segment\/acme-\*\): 2 of 3 changes/);

    sb.it.control.clearLog();
    const run = await cli(['apply', '--auto-approve', '--prune', 'delete', '--exclude', 'Segment/other'], ws.dir);
    assert.is(run.code, 0, run.stdout + run.stderr);
    assert.equal(calls(writesIn(sb.it.control.log())).sort(), ['DELETE /segment', 'PUT /segment']);
    assert.is(byCode('other')!.short_name, 'Segment other');

    const saved = await cli(['plan', '--out', 'plan.json'], ws.dir);
    assert.is(saved.code, 0, saved.stderr);
    const refused = await cli(['apply', '--plan', 'plan.json', '--target', 'Segment/other', '--auto-approve'], ws.dir);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /pass them to the plan that --plan FILE was saved from/);
    const bad = await cli(['plan', '--prune', 'sometimes'], ws.dir);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, /--prune must be one of none, deactivate, delete/);
  } finally {
    ws.cleanup();
  }
});

test.run();
