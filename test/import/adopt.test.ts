import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { parsePlan, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * Adopting an existing account end to end, through the CLI against a sandbox over HTTP: 500 objects made
 * in the console (no codes) in two advertisers, imported, planned (adopts only), applied, planned (no
 * changes), and imported again (no file changes).
 */

const NAMES = ['Retargeting', 'Cart abandoners', 'Café visitors', 'Newsletter (EU)', 'Buyers: high value', '!!!', `${'Very long name '.repeat(6)}end`];

function consoleObjects() {
  const segments: Record<string, unknown>[] = [];
  const pixels: Record<string, unknown>[] = [];
  const lineItems: Record<string, unknown>[] = [];
  [1234, 5678].forEach((advertiserId, a) => {
    for (let i = 0; i < 150; i++) {
      segments.push({
        id: 20_000 + a * 1000 + i,
        code: null,
        member_id: 958,
        advertiser_id: advertiserId,
        short_name: `${NAMES[i % NAMES.length]}${i % 3 === 0 ? '' : ` ${i}`}`,
        state: i % 10 === 0 ? 'inactive' : 'active',
        ...(i % 4 === 0 ? { expire_minutes: 1440 * (1 + (i % 30)) } : {}),
        ...(i % 25 === 0 ? { description: `Made in the console, #${i}` } : {}),
      });
    }
    for (let i = 0; i < 80; i++) {
      pixels.push({
        id: 30_000 + a * 1000 + i,
        code: null,
        member_id: 958,
        advertiser_id: advertiserId,
        name: i % 5 === 0 ? 'Purchase' : `Pixel ${i}`,
        state: 'active',
        trigger_type: ['view', 'click', 'hybrid'][i % 3],
        ...(i % 7 === 0 ? { post_click_value: 12.5 } : {}),
      });
    }
    for (let i = 0; i < 20; i++) {
      const attached = [0, 1, 2].slice(0, 1 + (i % 3)).map((k) => ({
        id: 30_000 + a * 1000 + ((i * 3 + k) % 80),
        state: k === 2 ? 'inactive' : 'active',
        post_click_revenue: k === 0 && i % 2 === 0 ? 7 : null,
        post_view_revenue: null,
      }));
      lineItems.push({
        id: 40_000 + a * 1000 + i,
        code: null,
        member_id: 958,
        advertiser_id: advertiserId,
        name: `Console line item ${i}`,
        state: 'active',
        line_item_type: 'standard_v1',
        revenue_type: i % 2 === 0 ? 'cpa' : 'cpm',
        pixels: attached,
      });
    }
  });
  return { segments, pixels, lineItems };
}

function snapshotFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (name.startsWith('.')) continue;
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

// 461 writes: neither the sandbox nor the client may make the test wait a minute per 60 of them.
const sb = sandboxFixture({ limits: { reads: 100_000, writes: 100_000 } });
const FAST = 'apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\nrate:\n  reads_per_minute: 100000\n  writes_per_minute: 100000\n';
const test = suite('import then adopt: an account made in the console');
test.before(sb.start);
test.after(sb.stop);
test.before.each(() => sb.it.control.reset());

test('500 console objects: import, plan (adopts only), apply, plan (no changes); importing again changes no file', async () => {
  const objects = consoleObjects();
  assert.is(objects.segments.length + objects.pixels.length + objects.lineItems.length, 500);
  await sb.it.control.upsert(objects);
  const ws = workspace({ 'config/xandr-sync.yaml': FAST });
  const cli = (args: string[]) => runCli(args, { cwd: ws.dir, env: sandboxEnv(sb.it.url), timeoutMs: 120_000 });
  try {
    const imported = await cli(['import', '--advertiser', '1234', '--advertiser', '5678', '--out', 'config']);
    assert.is(imported.code, 0, imported.stdout + imported.stderr);
    const files = snapshotFiles(join(ws.dir, 'config'));
    assert.equal(Object.keys(files).sort(), [
      'advertiser-1234/line-items.yaml',
      'advertiser-1234/pixels.yaml',
      'advertiser-1234/segments.yaml',
      'advertiser-5678/line-items.yaml',
      'advertiser-5678/pixels.yaml',
      'advertiser-5678/segments.yaml',
      'xandr-sync.yaml',
    ]);
    const seg = files['advertiser-1234/segments.yaml']!;
    assert.ok(seg.startsWith('# yaml-language-server: $schema=https://xandr-sync.dev/schemas/manifest.schema.json\n'), 'modeline first');
    assert.match(seg, /# segment 20000\napiVersion: xandr-sync\/v1\nkind: Segment\nmetadata:\n {2}name: retargeting\n {2}id: 20000\n/);
    assert.match(seg, /name: cafe-visitors-2\n/, 'names are deduplicated');
    const names = [...Object.values(files).join('\n').matchAll(/^metadata:\n {2}name: (.*)$/gm)].map((m) => m[1]!.replace(/^"(.*)"$/, '$1'));
    assert.is(names.length, 500 + 2, 'a document per object (line items as bindings), plus the fresh sandbox pixel 777 and line item 503');
    assert.equal(names.filter((n) => !/^[A-Za-z0-9._-]{1,50}$/.test(n)), [], 'every name is valid');

    const again = await cli(['import', '--advertiser', '1234', '--advertiser', '5678', '--out', 'config']);
    assert.is(again.code, 0, again.stderr);
    assert.equal(snapshotFiles(join(ws.dir, 'config')), files, 'importing again changes no file');
    assert.not.match(again.stdout, /\bwrote\b/);

    const before = parsePlan((await cli(['plan', 'config', '--format', 'json'])).stdout);
    assert.equal(before.errors, []);
    // The fresh sandbox's own console pixel 777 (on line item 503 of advertiser 5678) is adopted too.
    const kinds = new Set(before.actions.map((a: any) => a.action));
    assert.equal([...kinds], ['adopt'], 'nothing but adopts');
    assert.is(before.summary.adopt, 300 + 160 + 1);
    assert.ok(before.actions.every((a: any) => Object.keys(a.request.body[a.kind === 'Segment' ? 'segment' : 'pixel']).join() === 'code'), 'an adopt writes only the code');

    sb.it.control.clearLog();
    const applied = await cli(['apply', 'config', '--auto-approve']);
    assert.is(applied.code, 0, applied.stdout.slice(-2000) + applied.stderr);
    assert.is(writesIn(sb.it.control.log()).length, 461);

    const after = await cli(['plan', 'config', '--detailed-exitcode']);
    assert.is(after.code, 0, after.stdout.slice(-2000));
    assert.match(after.stdout, /No changes/);

    const third = await cli(['import', '--advertiser', '1234', '--advertiser', '5678', '--out', 'config']);
    assert.is(third.code, 0, third.stderr);
    assert.equal(snapshotFiles(join(ws.dir, 'config')), files, 'after the adopts, importing again still changes no file');
  } finally {
    ws.cleanup();
  }
});

test('the modeline points at the repository schemas when they exist above the output, and a name the repo uses elsewhere is not reused', async () => {
  await sb.it.control.upsert({ segments: [{ id: 9001, code: null, member_id: 958, advertiser_id: 1234, short_name: 'Buyers', state: 'active' }] });
  const ws = workspace({
    'schemas/manifest.schema.json': '{}',
    'schemas/config.schema.json': '{}',
    'config/xandr-sync.yaml': 'apiVersion: xandr-sync/v1\nkind: Config\nmember_id: 958\n',
    'config/hand/segments.yaml': 'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: buyers\nspec:\n  short_name: Someone else\n',
  });
  try {
    const run = await runCli(['import', '--advertiser', '1234', '--out', 'config/imported'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(run.code, 0, run.stdout + run.stderr);
    const text = readFileSync(join(ws.dir, 'config/imported/advertiser-1234/segments.yaml'), 'utf8');
    assert.ok(text.startsWith('# yaml-language-server: $schema=../../../schemas/manifest.schema.json\n'), text.slice(0, 100));
    assert.match(text, /name: buyers-2\n {2}id: 9001\n/);
    assert.not.ok(snapshotFiles(join(ws.dir, 'config/imported'))['xandr-sync.yaml'], 'the repository has a config already');
  } finally {
    ws.cleanup();
  }
});

test('--member imports member-level segments; a directory outside any repository gets an xandr-sync.yaml', async () => {
  await sb.it.control.upsert({ segments: [{ id: 9100, code: null, member_id: 958, advertiser_id: null, short_name: 'Network readers', state: 'active' }] });
  const ws = workspace();
  try {
    const run = await runCli(['import', '--member'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(run.code, 0, run.stdout + run.stderr);
    const files = snapshotFiles(ws.dir);
    assert.equal(Object.keys(files).sort(), ['member/segments.yaml', 'xandr-sync.yaml']);
    assert.match(files['xandr-sync.yaml']!, /^kind: Config\nmember_id: 958\n/m);
    assert.match(files['xandr-sync.yaml']!, /^prune: none$/m);
    assert.match(files['member/segments.yaml']!, /name: network-readers\n {2}id: 9100\nspec:\n {2}short_name: Network readers\n/);
    const plan = parsePlan((await runCli(['plan', '--format', 'json'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) })).stdout);
    assert.equal(plan.actions.map((a: any) => [a.address, a.action]), [['Segment/network-readers', 'adopt']]);
  } finally {
    ws.cleanup();
  }
});

test('usage: something to import is required; an unknown advertiser is an error', async () => {
  const ws = workspace();
  try {
    const none = await runCli(['import'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(none.code, 1);
    assert.match(none.stderr, /--advertiser ID/);
    const unknown = await runCli(['import', '--advertiser', '4242'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(unknown.code, 1);
    assert.match(unknown.stderr, /advertiser 4242 does not exist in member 958/);
  } finally {
    ws.cleanup();
  }
});

test.run();
