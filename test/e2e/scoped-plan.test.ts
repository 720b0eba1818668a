import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoFixture } from '../git/repo-fixture.js';
import { runCli, sandboxEnv } from '../helpers/cli.js';
import { CONFIG, docs, pixelYaml, segmentYaml } from '../helpers/manifests.js';
import { parsePlan, readsIn, sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * `plan --changed-since REF`: a pull request's plan shows its own change and reads only what it touches.
 * The repository has twelve segments and a pixel, all applied; then a change edits one segment, adds a
 * pixel and deletes another segment's document, while someone edits an unrelated segment in the console.
 */
const sb = sandboxFixture();
const test = suite('plans scoped to a change');
test.before.each(sb.start);
test.after.each(sb.stop);

const SEGMENTS = Array.from({ length: 12 }, (_, i) => segmentYaml(`seg-${i}`, { advertiser_id: 1234, short_name: `Segment ${i}` }));

function repository(prune = 'none') {
  const repo = repoFixture({
    'xandr-sync.yaml': `${CONFIG}prune: ${prune}\n`,
    'segments.yaml': docs(...SEGMENTS),
    'pixels.yaml': pixelYaml('checkout', 1234),
  });
  const env = sandboxEnv(sb.it.url);
  const cli = (args: string[]) => runCli(args, { cwd: repo.origin, env });
  return { repo, cli };
}

test('only the changed documents are read and planned; console drift elsewhere is left to the drift check', async () => {
  const { repo, cli } = repository();
  try {
    assert.is((await cli(['apply', '--auto-approve'])).code, 0);
    const base = repo.git('rev-parse', 'HEAD').trim();
    const edited = [...SEGMENTS];
    edited[3] = segmentYaml('seg-3', { advertiser_id: 1234, short_name: 'Segment three, renamed' });
    writeFileSync(join(repo.origin, 'segments.yaml'), docs(...edited));
    writeFileSync(join(repo.origin, 'new-pixel.yaml'), pixelYaml('signup', 1234));
    const drifted = sb.it.control.snapshot().segments.find((s) => s.code === 'seg-7')!;
    await sb.it.control.upsert({ segments: [{ id: drifted.id, short_name: 'edited in the console' }] });

    sb.it.control.clearLog();
    const run = await cli(['plan', '--format', 'json', '--changed-since', base]);
    assert.is(run.code, 0, run.stderr);
    const plan = parsePlan(run.stdout);
    assert.equal(plan.actions.map((a: { address: string; action: string }) => `${a.action} ${a.address}`).sort(), ['create ConversionPixel/signup', 'update Segment/seg-3']);
    assert.equal(plan.scope, { changed_since: base, commit: base, objects: ['ConversionPixel/1234/signup', 'Segment/seg-3'] });
    const reads = readsIn(sb.it.control.log()).length;
    assert.ok(reads <= 5, `${reads} reads`);
    assert.not.ok(sb.it.control.log().some((e) => e.method === 'GET' && e.path === '/segment' && e.query.code === undefined && e.query.id === undefined), 'no segment listing');

    const text = await cli(['plan', '--changed-since', base]);
    assert.match(text.stdout, /Scoped to the 2 objects whose manifests changed since [0-9a-f]{40} \([0-9a-f]{12}\); drift on other objects is the drift check's business/);
    const full = parsePlan((await cli(['plan', '--format', 'json'])).stdout);
    assert.ok(full.actions.some((a: { address: string }) => a.address === 'Segment/seg-7'), 'a plan of everything shows the console drift');
  } finally {
    repo.cleanup();
  }
});

test('a removed document is pruned in a scoped plan, and a saved scoped plan applies only its own actions', async () => {
  const { repo, cli } = repository('delete');
  try {
    assert.is((await cli(['apply', '--auto-approve'])).code, 0);
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.commit({ 'segments.yaml': docs(...SEGMENTS.filter((_, i) => i !== 5)) }, 'drop seg-5');
    const drifted = sb.it.control.snapshot().segments.find((s) => s.code === 'seg-8')!;
    await sb.it.control.upsert({ segments: [{ id: drifted.id, short_name: 'edited in the console' }] });

    const saved = await cli(['plan', '--changed-since', base, '--out', 'plan.json', '--format', 'json']);
    assert.is(saved.code, 0, saved.stderr);
    assert.equal(parsePlan(saved.stdout).actions.map((a: { address: string; action: string }) => `${a.action} ${a.address}`), ['delete Segment/seg-5']);
    writeFileSync(join(repo.origin, '.gitignore'), 'plan.json\n.locks/\n');
    repo.git('add', '.gitignore');
    sb.it.control.clearLog();
    // The saved plan is made at the commit before .gitignore: apply it there.
    repo.git('stash', '-u');
    const applied = await cli(['apply', '--plan', 'plan.json', '--auto-approve']);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(writesIn(sb.it.control.log()).map((e) => `${e.method} ${e.path}`), ['DELETE /segment']);
    assert.is(sb.it.control.snapshot().segments.find((s) => s.id === drifted.id)!.short_name, 'edited in the console', 'the drift outside the scope was left alone');
  } finally {
    repo.cleanup();
  }
});

test('a change to xandr-sync.yaml plans everything, and says so', async () => {
  const { repo, cli } = repository();
  try {
    const base = repo.git('rev-parse', 'HEAD').trim();
    writeFileSync(join(repo.origin, 'xandr-sync.yaml'), `${CONFIG}prune: none\nguards:\n  max_changes: 50\n`);
    const run = await cli(['plan', '--format', 'json', '--changed-since', base]);
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stderr, /xandr-sync\.yaml changed since [0-9a-f]{40}: planning everything/);
    assert.is(parsePlan(run.stdout).scope, null);
    const bad = await cli(['plan', '--changed-since=--upload-pack=evil']);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, /refusing revision/);
  } finally {
    repo.cleanup();
  }
});

test('a targeting change reads the line item and its profile, not the member, and plans only the profile', async () => {
  const targetingYaml = (action: string) => `apiVersion: xandr-sync/v1
kind: LineItemSegments
metadata:
  name: seed-ali-audience
spec:
  advertiser_id: 1234
  line_item_id: 206
  groups:
    - segments:
        - segment: seg-1
          action: ${action}
        - segment: seg-2
`;
  const { repo, cli } = repository();
  try {
    repo.commit({ 'targeting.yaml': targetingYaml('include') }, 'target line item 206');
    assert.is((await cli(['apply', '--auto-approve'])).code, 0);
    const base = repo.git('rev-parse', 'HEAD').trim();
    writeFileSync(join(repo.origin, 'targeting.yaml'), targetingYaml('exclude'));
    sb.it.control.clearLog();
    const run = await cli(['plan', '--format', 'json', '--changed-since', base]);
    assert.is(run.code, 0, run.stderr);
    const plan = parsePlan(run.stdout);
    assert.equal(plan.actions.map((a: { address: string; request: { method: string; path: string } }) => `${a.request.method} ${a.request.path} ${a.address}`), ['PUT /profile LineItemSegments/seed-ali-audience']);
    const reads = readsIn(sb.it.control.log());
    assert.ok(reads.length <= 6, `${reads.length} reads: ${reads.map((e) => e.path).join(', ')}`);
    assert.ok(reads.some((e) => e.path === '/profile'), 'the profile is read');
    assert.not.ok(reads.some((e) => e.path === '/segment' && e.query.code === undefined && e.query.id === undefined), 'no segment listing');
  } finally {
    repo.cleanup();
  }
});

test.run();
