import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyncMetrics } from '../../src/sync/sync-metrics.js';
import { listSegments, XandrClient } from '../../src/xandr/index.js';
import { rejects } from '../helpers/assert.js';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { bindingYaml, CONFIG, pixelYaml, SEED, segmentYaml } from '../helpers/manifests.js';
import { sandboxFixture } from '../helpers/sandbox.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a new user ran into in their first week (issue: "A new user's first week"), one test per point. */
const sb = sandboxFixture();
const test = suite("a new user's first week");
test.before.each(sb.start);
test.after.each(sb.stop);

test('a ConversionPixel or LineItemPixels naming an advertiser that does not exist gets a positioned error, like a Segment', async () => {
  const ws = workspace({
    'xandr-sync.yaml': CONFIG,
    'pixels.yaml': pixelYaml('lost', 4242),
    'line-items.yaml': bindingYaml('lost-li', { advertiser_id: 4343, line_item_id: 205 }, [{ pixel_id: 1 }]),
  });
  try {
    const run = await runCli(['plan'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(run.code, 1);
    assert.match(run.stdout, /pixels\.yaml:6:\d+: error unknown-advertiser advertiser 4242 does not exist/);
    assert.match(run.stdout, /line-items\.yaml:6:\d+: error unknown-advertiser advertiser 4343 does not exist/);
    assert.not.match(run.stdout + run.stderr, /NOTFOUND_ADVERTISER|HTTP 404/);
  } finally {
    ws.cleanup();
  }
});

test('machine formats print a document when the command fails: JSON with the diagnostics, markdown a short report', async () => {
  const ws = workspace({ 'xandr-sync.yaml': CONFIG, 'bad.yaml': segmentYaml('bad', { short_name: 'x', colour: 'red' }) });
  try {
    const json = await runCli(['plan', '--format', 'json'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(json.code, 1);
    const document = JSON.parse(json.stdout);
    assert.equal([document.ok, document.command, document.diagnostics[0].code], [false, 'plan', 'unknown-field']);
    const markdown = await runCli(['plan', '--format', 'markdown'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.match(markdown.stdout, /^### xandr-sync plan: failed\n/);
    assert.match(markdown.stdout, /1 error in the manifests; nothing was planned/);
    // Not only manifest errors: a connection that fails too.
    ws.remove('bad.yaml');
    ws.write({ 'segments.yaml': SEED['segments.yaml'] });
    const refused = await runCli(['plan', '--format', 'json'], { cwd: ws.dir, env: { XANDR_API_URL: 'http://api.example.com', XANDR_USERNAME: 'u', XANDR_PASSWORD: 'p' } });
    assert.is(refused.code, 1);
    assert.is(JSON.parse(refused.stdout).error.code, 'URL_REFUSED');
  } finally {
    ws.cleanup();
  }
});

test('saved plans can be looked at: plan --out says where and how; show prints text, markdown and json', async () => {
  const ws = workspace(SEED);
  try {
    const saved = await runCli(['plan', '--out', 'plan.json'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(saved.code, 0, saved.stderr);
    assert.match(saved.stderr, /Saved the plan to plan\.json\. See it again with 'xandr-sync show plan\.json'; apply exactly this plan with 'xandr-sync apply --plan plan\.json'\./);
    const text = await runCli(['show', 'plan.json'], { cwd: ws.dir });
    assert.is(text.code, 0, text.stderr);
    assert.match(text.stdout, /\+ create Segment\/retargeting-segment/);
    assert.match((await runCli(['show', 'plan.json', '--format', 'markdown'], { cwd: ws.dir })).stdout, /^### xandr-sync plan: 2 to create, 1 to update/);
    assert.is(JSON.parse((await runCli(['show', 'plan.json', '--format', 'json'], { cwd: ws.dir })).stdout).actions.length, 3);
    const missing = await runCli(['show', 'nope.json'], { cwd: ws.dir });
    assert.is(missing.code, 1);
    assert.match(missing.stderr, /cannot read the saved plan .*nope\.json: ENOENT/);
  } finally {
    ws.cleanup();
  }
});

test('a saved plan whose objects all changed says to plan again, not to run apply again', async () => {
  await sb.it.control.upsert({ segments: [{ id: 7100, code: 'retargeting-segment', short_name: 'Old', member_id: 958, advertiser_id: 1234, state: 'active' }] });
  const ws = workspace({ 'xandr-sync.yaml': CONFIG, 'segments.yaml': SEED['segments.yaml'] });
  try {
    assert.is((await runCli(['plan', '--out', 'plan.json'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) })).code, 0);
    await sb.it.control.upsert({ segments: [{ id: 7100, short_name: 'Edited in the console' }] });
    const run = await runCli(['apply', '--plan', 'plan.json', '--auto-approve'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(run.code, 1);
    assert.match(run.stdout, /1 change was refused because its object changed in Xandr since the plan was made; applying this plan file again would refuse it again\. Make a new plan/);
    assert.not.match(run.stdout, /run apply again/);
  } finally {
    ws.cleanup();
  }
});

test('a console-made object that looks like the manifest (same kind, advertiser and name, no code) gets a warning naming metadata.id', async () => {
  await sb.it.control.upsert({
    segments: [{ id: 7200, code: null, short_name: 'Retargeting Segment', member_id: 958, advertiser_id: 1234, state: 'active' }],
    pixels: [{ id: 7201, code: null, name: 'Conversion Pixel', advertiser_id: 1234, state: 'active' }],
  });
  const ws = workspace(SEED);
  try {
    const run = await runCli(['plan', '--format', 'json'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    const plan = JSON.parse(run.stdout);
    const warnings = (address: string) => plan.actions.find((a: { address: string }) => a.address === address).warnings.join('\n');
    assert.match(warnings('Segment/retargeting-segment'), /a segment without a code named "Retargeting Segment" already exists \(id 7200\): if it is this one, add 'metadata\.id: 7200'/);
    assert.match(warnings('ConversionPixel/conversion-pixel'), /add 'metadata\.id: 7201'/);
  } finally {
    ws.cleanup();
  }
});

test('--target that selects nothing says so, and that other changes are pending', async () => {
  const ws = workspace(SEED);
  try {
    const run = await runCli(['plan', '--target', 'Segment/nothing-like-this'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stdout, /No changes among what was selected, but 3 other changes are pending outside it/);
    assert.not.match(run.stdout, /Xandr matches the manifests/);
  } finally {
    ws.cleanup();
  }
});

test('a login answered by something that is not Xandr says the URL does not look like Xandr; failed logins are counted', async () => {
  const other = createServer((_req, res) => {
    res.statusCode = 404;
    res.setHeader('content-type', 'text/html');
    res.end('<html><body>Not Found</body></html>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const ws = workspace(SEED);
  try {
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const run = await runCli(['plan'], { cwd: ws.dir, env: { XANDR_API_URL: url, XANDR_USERNAME: 'u', XANDR_PASSWORD: 'p' } });
    assert.is(run.code, 1);
    assert.match(run.stderr, /does not look like Xandr's API: POST \/auth answered HTTP 404/);
    assert.not.match(run.stderr, /login refused by Xandr/);

    const metrics = new SyncMetrics();
    const client = new XandrClient({ apiUrl: sb.it.url, credentials: { username: 'sandbox', password: 'wrong' }, onEvent: (e) => metrics.recordClientEvent(e) });
    await rejects(listSegments(client, { memberId: 958 }), /login refused/);
    await client.close();
    assert.match(await metrics.render(), /xandr_sync_api_requests_total\{method="POST",status_class="4xx"\} 1/);
  } finally {
    ws.cleanup();
    await new Promise((r) => other.close(r));
  }
});

test('the rough edges: .xandr-sync/ ignores itself, the sandbox notice once, aligned columns, "1 write", did you mean, --sandbox FILE.json, an empty directory', async () => {
  const ws = workspace(SEED);
  try {
    const first = await runCli(['plan'], { cwd: ws.dir });
    assert.match(first.stderr, /No Xandr credentials set/);
    assert.is(readFileSync(join(ws.dir, '.xandr-sync', '.gitignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).join(), '*');
    const second = await runCli(['plan'], { cwd: ws.dir });
    assert.not.match(second.stderr, /No Xandr credentials set/, 'the reason is given once');
    assert.match(second.stderr, /Using the embedded sandbox/);

    const lines = first.stdout.split('\n');
    const block = lines.slice(lines.findIndex((l) => l.includes('LineItemPixels/line-item-205')));
    assert.match(block.join('\n'), /\+ pixel ConversionPixel\/conversion-pixel {2}\{id: \(known after apply\)/);

    ws.write({ 'segments.yaml': SEED['segments.yaml'], 'pixels.yaml': '', 'line-items.yaml': '' });
    const one = await runCli(['plan', '--format', 'markdown'], { cwd: ws.dir, env: sandboxEnv(sb.it.url) });
    assert.match(one.stdout, /· \d+ reads?, 1 write\b/);

    const typo = await runCli(['plan', '--formt', 'json'], { cwd: ws.dir });
    assert.match(typo.stderr, /Unknown option '--formt' \(did you mean '--format'\?\)/);

    const spaced = await runCli(['plan', '--sandbox', 'fresh.json'], { cwd: ws.dir });
    assert.is(spaced.code, 0, spaced.stderr);
    assert.match(spaced.stderr, /Using the embedded sandbox \(state in fresh\.json\)/);
    assert.ok(existsSync(join(ws.dir, 'fresh.json')));

    mkdirSync(join(ws.dir, 'empty'));
    const empty = await runCli(['validate', 'empty'], { cwd: ws.dir });
    assert.is(empty.code, 1);
    assert.match(empty.stdout, /1 error: no manifest file was checked: not valid/);
    assert.not.match(empty.stdout, /in 1 file \(checked 0 files/);
  } finally {
    ws.cleanup();
  }
});

test.run();
