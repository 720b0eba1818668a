import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sandboxEnv, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';
import { sandboxFixture, writesIn } from '../helpers/sandbox.js';

/**
 * Finding 1 of the untrusted-input issue: `apply --plan FILE` executed whatever requests the file held, and
 * guards read the file's own summary. Each test plans, tampers with the saved file as an attacker would,
 * and checks that apply writes nothing, exits 1 and names what differs.
 */
const sb = sandboxFixture();
const test = suite('saved plans are data, never authority');
test.before.each(sb.start);
test.after.each(sb.stop);

async function savedPlan(files: Record<string, string> = SEED) {
  const ws = workspace(files);
  const env = sandboxEnv(sb.it.url);
  const made = await runCli(['plan', '--out', 'plan.json'], { cwd: ws.dir, env });
  assert.is(made.code, 0, made.stderr);
  const file = join(ws.dir, 'plan.json');
  const plan = JSON.parse(readFileSync(file, 'utf8'));
  const apply = async (args: string[] = []) => {
    sb.it.control.clearLog();
    return runCli(['apply', '--plan', 'plan.json', '--auto-approve', ...args], { cwd: ws.dir, env });
  };
  return { ws, plan, write: (p: unknown) => writeFileSync(file, JSON.stringify(p, null, 2)), apply };
}

test('two appended actions (a DELETE of a segment no manifest names, a PUT emptying a line item) write nothing, even with --max-deletes 0', async () => {
  await sb.it.control.upsert({ segments: [{ id: 8800, code: 'someone-elses', short_name: 'Not ours', member_id: 958, advertiser_id: 1234, state: 'active' }] });
  const { ws, plan, write, apply } = await savedPlan();
  try {
    const wave = Math.max(...plan.actions.map((a: { wave: number }) => a.wave)) + 1;
    plan.actions.push(
      { address: 'Segment/someone-elses', kind: 'Segment', action: 'delete', wave, request: { method: 'DELETE', path: '/segment', query: { id: 8800 }, body: null }, changes: [], depends_on: [], live: null, warnings: [], id: null },
      { address: 'LineItemPixels/li-206', kind: 'LineItemPixels', action: 'update', wave, request: { method: 'PUT', path: '/line-item', query: { id: 206, advertiser_id: 1234 }, body: { 'line-item': { pixels: [] } } }, changes: [], depends_on: [], live: null, warnings: [], id: 206 },
    );
    plan.summary.delete += 1;
    plan.summary.update += 1;
    plan.summary.writes += 2;
    write(plan);
    for (const args of [[], ['--max-deletes', '0']]) {
      const run = await apply(args);
      assert.is(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /is not a plan xandr-sync would make from these manifests/);
      assert.match(run.stderr, /Segment\/someone-elses: no manifest at this commit describes it/);
      assert.match(run.stderr, /LineItemPixels\/li-206/);
      assert.match(run.stderr, /Nothing was written to Xandr/);
      assert.is(writesIn(sb.it.control.log()).length, 0, 'not one write');
    }
    assert.ok(sb.it.control.snapshot().segments.some((s) => s.id === 8800), 'the segment is still there');
  } finally {
    ws.cleanup();
  }
});

test('a changed request (another body for a planned object) writes nothing and names the action', async () => {
  const { ws, plan, write, apply } = await savedPlan();
  try {
    const segment = plan.actions.find((a: { kind: string }) => a.kind === 'Segment');
    segment.request.body.segment.short_name = 'Attacker Was Here';
    write(plan);
    const run = await apply();
    assert.is(run.code, 1);
    assert.match(run.stderr, /Segment\/retargeting-segment: its request body is not the one a fresh plan sends/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test('changed guards or a summary that does not count the actions: refused as a whole, nothing written', async () => {
  const { ws, plan, write, apply } = await savedPlan();
  try {
    write({ ...plan, guards: { max_changes: 100000, max_deletes: 100000 } });
    const guards = await apply();
    assert.is(guards.code, 1);
    assert.match(guards.stderr, /guards say \{"max_changes":100000,"max_deletes":100000\}, but the project file at this commit says \{/);
    write({ ...plan, summary: { ...plan.summary, delete: 0, writes: 1 } });
    const summary = await apply();
    assert.is(summary.code, 1);
    assert.match(summary.stderr, /summary\.writes says 1, but the file holds 3 such actions/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test('a malformed file is a clear error naming the field, never a stack trace', async () => {
  const { ws, plan, write, apply } = await savedPlan();
  try {
    delete plan.actions[1].kind;
    write(plan);
    const run = await apply();
    assert.is(run.code, 1);
    assert.match(run.stderr, /plan\.json is not a valid saved plan: actions\[1\]: missing required field 'kind'/);
    assert.not.match(run.stderr, /internal error|at .*\.js:\d+/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test('the untampered file applies: what runs is exactly what was reviewed', async () => {
  const { ws, apply } = await savedPlan();
  try {
    const run = await apply();
    assert.is(run.code, 0, run.stdout + run.stderr);
    assert.equal(writesIn(sb.it.control.log()).map((e) => `${e.method} ${e.path}`).sort(), ['POST /pixel', 'POST /segment', 'PUT /line-item']);
  } finally {
    ws.cleanup();
  }
});

test('a plan made at one commit is refused at another, and with uncommitted changes', async () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  const ws = workspace(SEED);
  const env = sandboxEnv(sb.it.url);
  try {
    git(ws.dir, 'init', '-q');
    git(ws.dir, 'add', '.');
    git(ws.dir, 'commit', '-q', '-m', 'first');
    writeFileSync(join(ws.dir, '.gitignore'), 'plan.json\n.locks/\n');
    git(ws.dir, 'add', '.gitignore');
    git(ws.dir, 'commit', '-q', '-m', 'ignore');
    const made = await runCli(['plan', '--out', 'plan.json'], { cwd: ws.dir, env });
    assert.is(made.code, 0, made.stderr);
    writeFileSync(join(ws.dir, 'segments.yaml'), SEED['segments.yaml'].replace('20160', '10080'));
    const dirty = await runCli(['apply', '--plan', 'plan.json', '--auto-approve'], { cwd: ws.dir, env });
    assert.is(dirty.code, 1);
    assert.match(dirty.stderr, /uncommitted changes/);
    git(ws.dir, 'commit', '-q', '-am', 'second');
    const moved = await runCli(['apply', '--plan', 'plan.json', '--auto-approve'], { cwd: ws.dir, env });
    assert.is(moved.code, 1);
    assert.match(moved.stderr, /was planned at commit [0-9a-f]{12}; check that commit out/);
    assert.is(writesIn(sb.it.control.log()).length, 0);
  } finally {
    ws.cleanup();
  }
});

test.run();
