import { suite } from 'uvu';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { CONFIG, SEED, bindingYaml, docs, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { calls, loginsIn, parsePlan, readsIn, sandboxFixture, writesIn } from '../helpers/sandbox.js';

for (const dialect of ['modern', 'legacy'] as const) {
  const sb = sandboxFixture({ dialect });
  const test = suite(`plan and apply end to end (${dialect} error dialect)`);
  test.before(sb.start);
  test.after(sb.stop);
  test.before.each(async () => {
    await sb.it.control.reset();
  });

  const cli = (args: string[], dir: string) => runCli(args, { cwd: dir, env: sandboxEnv(sb.it.url) });
  /** Every case's JSON plan must match schemas/plan.schema.json (issue 4). */
  const jsonPlan = async (dir: string) => {
    const run = await cli(['plan', '--format', 'json'], dir);
    assert.ok(run.code === 0, `plan --format json failed:\n${run.stderr}`);
    return parsePlan(run.stdout);
  };
  const applyOk = async (dir: string) => {
    const run = await cli(['apply', '--auto-approve'], dir);
    assert.is(run.code, 0, `apply failed:\n${run.stdout}\n${run.stderr}`);
    return run;
  };

  test('the seed article: two POSTs before the line-item PUT, exactly 3 writes, then nothing left to do', async () => {
    const ws = workspace(SEED);
    try {
      const before = await cli(['plan', '--detailed-exitcode'], ws.dir);
      assert.is(before.code, 2, before.stderr);
      const json = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
      assert.equal(json.summary.writes, 3);

      sb.it.control.clearLog();
      const applied = await cli(['apply', '--auto-approve'], ws.dir);
      assert.is(applied.code, 0, applied.stdout + applied.stderr);
      const log = sb.it.control.log();
      const writes = writesIn(log);
      assert.equal(calls(writes).slice(0, 2).sort(), ['POST /pixel', 'POST /segment']);
      assert.is(writes.length, 3);
      const put = writes[2]!;
      assert.is(put.method, 'PUT');
      assert.is(put.path, '/line-item');
      assert.ok(writes.slice(0, 2).every((w) => w.method === 'POST'), 'both POSTs come before the PUT');
      const pixelPost = log.find((e) => e.method === 'POST' && e.path === '/pixel')!;
      const pixelId = sb.it.control.snapshot().pixels.find((p: any) => p.code === 'conversion-pixel')!.id;
      assert.ok(pixelPost.seq < put.seq);
      assert.equal(put.query.id, '205');
      assert.equal((put.body as any)['line-item'].pixels, [{ id: pixelId, state: 'active', post_click_revenue: 100, post_view_revenue: 50 }]);

      const after = await cli(['plan', '--detailed-exitcode'], ws.dir);
      assert.is(after.code, 0, after.stdout + after.stderr);
      assert.match(after.stdout, /No changes/);
      const again = parsePlan((await cli(['plan', '--format', 'json'], ws.dir)).stdout);
      assert.is(again.summary.writes, 0);
    } finally {
      ws.cleanup();
    }
  });

  test('one field changed in one manifest: one PUT whose body holds only that field', async () => {
    const ws = workspace(SEED);
    try {
      await applyOk(ws.dir);
      ws.write({ 'segments.yaml': segmentYaml('retargeting-segment', { advertiser_id: 1234, short_name: 'Retargeting Segment', expire_minutes: 40320 }) });
      const planned = await jsonPlan(ws.dir);
      assert.equal(planned.actions.map((a: any) => [a.action, a.request.body]), [['update', { segment: { expire_minutes: 40320 } }]]);
      sb.it.control.clearLog();
      const run = await cli(['apply', '--auto-approve'], ws.dir);
      assert.is(run.code, 0, run.stderr);
      const writes = writesIn(sb.it.control.log());
      assert.is(writes.length, 1);
      assert.is(writes[0]!.method, 'PUT');
      assert.equal(writes[0]!.body, { segment: { expire_minutes: 40320 } });
    } finally {
      ws.cleanup();
    }
  });

  test('additive keeps a pixel someone else attached; authoritative removes it and the plan warns', async () => {
    // Line item 503 comes with console-made pixel 777 attached.
    const ws = workspace({
      'xandr-sync.yaml': CONFIG,
      'p.yaml': pixelYaml('acme-signup', 5678),
      'b.yaml': bindingYaml('acme-brand', { advertiser_id: 5678, line_item_id: 503, policy: 'additive' }, [{ pixel: 'acme-signup' }]),
    });
    try {
      assert.equal((await jsonPlan(ws.dir)).actions.map((a: any) => a.address), ['ConversionPixel/acme-signup', 'LineItemPixels/acme-brand']);
      await applyOk(ws.dir);
      const ids = () => sb.it.control.snapshot().lineItems.find((li: any) => li.id === 503)!.pixels!.map((p: any) => Number(p.id)).sort();
      assert.ok(ids().includes(777), 'additive kept 777');
      assert.is(ids().length, 2);

      ws.write({ 'b.yaml': bindingYaml('acme-brand', { advertiser_id: 5678, line_item_id: 503, policy: 'authoritative' }, [{ pixel: 'acme-signup' }]) });
      const plan = await cli(['plan'], ws.dir);
      // Pixel 777 is line item 503's goal pixel (CPA goal): the warning says so, loudly.
      assert.match(plan.stdout, /DETACHES GOAL PIXEL .*\(777\)/);
      assert.match((await jsonPlan(ws.dir)).actions[0].warnings.join('\n'), /DETACHES GOAL PIXEL .*\(777\)/);
      await applyOk(ws.dir);
      assert.not.ok(ids().includes(777), 'authoritative removed 777');
    } finally {
      ws.cleanup();
    }
  });

  test('three pixel changes on one line item are one PUT', async () => {
    const ws = workspace({
      'xandr-sync.yaml': CONFIG,
      'p.yaml': docs(pixelYaml('a', 1234), pixelYaml('b', 1234), pixelYaml('c', 1234)),
      'b.yaml': bindingYaml('li', { advertiser_id: 1234, line_item_id: 205 }, [{ pixel: 'a' }, { pixel: 'b' }, { pixel: 'c' }]),
    });
    try {
      await applyOk(ws.dir);
      ws.write({
        'b.yaml': bindingYaml('li', { advertiser_id: 1234, line_item_id: 205 }, [
          { pixel: 'a', state: 'inactive' },
          { pixel: 'b', post_click_revenue: 5 },
          { pixel: 'c', post_view_revenue: 7 },
        ]),
      });
      const planned = await jsonPlan(ws.dir);
      assert.is(planned.actions.length, 1);
      assert.is(planned.actions[0].changes.length, 3, 'three changes, one action');
      sb.it.control.clearLog();
      await applyOk(ws.dir);
      assert.equal(calls(writesIn(sb.it.control.log())), ['PUT /line-item']);
    } finally {
      ws.cleanup();
    }
  });

  test('reads for a plan of N objects: one page per 100 objects per service, plus the login', async () => {
    const segments = Array.from({ length: 250 }, (_, i) => segmentYaml(`seg-${i}`, { short_name: `Segment ${i}` }));
    const pixels = Array.from({ length: 120 }, (_, i) => pixelYaml(`px-${i}`, 1234));
    const ws = workspace({ 'xandr-sync.yaml': CONFIG, 's.yaml': docs(...segments), 'p.yaml': docs(...pixels) });
    try {
      // Put the objects in Xandr first, so that every page is full.
      await sb.it.control.upsert({
        segments: segments.map((_, i) => ({ id: 5000 + i, code: `seg-${i}`, short_name: `Segment ${i}`, member_id: 958, advertiser_id: null, state: 'active' })),
        pixels: pixels.map((_, i) => ({ id: 8000 + i, code: `px-${i}`, name: `Pixel px-${i}`, advertiser_id: 1234, state: 'active', trigger_type: 'click' })),
      });
      sb.it.control.clearLog();
      const run = await cli(['plan', '--format', 'json'], ws.dir);
      assert.is(run.code, 0, run.stderr);
      assert.is(parsePlan(run.stdout).summary.writes, 0);
      const log = sb.it.control.log();
      assert.is(loginsIn(log).length, 1, 'one login');
      const reads = calls(readsIn(log));
      assert.is(reads.filter((r) => r === 'GET /segment').length, 3, '250 segments = 3 pages');
      assert.is(reads.filter((r) => r === 'GET /pixel').length, 2, '120 pixels = 2 pages');
      assert.is(reads.filter((r) => r === 'GET /advertiser').length, 1);
      assert.is(reads.filter((r) => r === 'GET /member').length, 1);
      assert.is(reads.length, 7);
    } finally {
      ws.cleanup();
    }
  });

  test('a saved plan applied after an out-of-band change refuses exactly that object', async () => {
    const ws = workspace({
      'xandr-sync.yaml': CONFIG,
      's.yaml': docs(segmentYaml('a', { short_name: 'A' }), segmentYaml('b', { short_name: 'B' })),
    });
    try {
      await sb.it.control.upsert({
        segments: [
          { id: 7001, code: 'a', short_name: 'old A', member_id: 958, advertiser_id: null, state: 'active' },
          { id: 7002, code: 'b', short_name: 'old B', member_id: 958, advertiser_id: null, state: 'active' },
        ],
      });
      const saved = await cli(['plan', '--out', 'plan.json'], ws.dir);
      assert.is(saved.code, 0, saved.stderr);
      assert.is(parsePlan(readFileSync(join(ws.dir, 'plan.json'), 'utf8')).actions.length, 2, 'the saved plan matches the schema');
      // Someone edits segment b in the console after the plan was reviewed.
      await sb.it.control.upsert({ segments: [{ id: 7002, code: 'b', short_name: 'edited in console', member_id: 958, advertiser_id: null, state: 'active' }] });
      sb.it.control.clearLog();
      const run = await cli(['apply', '--plan', 'plan.json', '--auto-approve'], ws.dir);
      assert.is(run.code, 1, 'a partial apply exits 1');
      assert.match(run.stderr, /Refusing Segment\/b: changed since the plan was made: short_name/);
      const writes = writesIn(sb.it.control.log());
      assert.is(writes.length, 1);
      assert.equal(writes[0]!.query.id, '7001');
      const state = sb.it.control.snapshot().segments;
      assert.is(state.find((s: any) => s.id === 7001)!.short_name, 'A');
      assert.is(state.find((s: any) => s.id === 7002)!.short_name, 'edited in console');
    } finally {
      ws.cleanup();
    }
  });

  test.run();
}
