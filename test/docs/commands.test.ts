import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpsGitServer, type HttpsGitServer } from '../git/https-git-server.js';
import { repoFixture, type RepoFixture } from '../git/repo-fixture.js';
import { startFakeGithub, type FakeGithub } from '../github/fake-github.js';
import { BIN, REPO, runCli, sandboxEnv, workspace, type CliResult } from '../helpers/cli.js';
import { startSandbox, type Sandbox } from '../helpers/sandbox.js';
import { extractCommands, markers, splitCommand, type DocCommand } from './doc-commands.js';
import { USER_DOCS, readDoc } from './markdown.js';

/**
 * Every command line of xandr-sync in README.md and docs/*.md runs here, through the real binary
 * (bin/xandr-sync.js), against a sandbox on port 0, each in a fresh workspace and a freshly reset sandbox.
 *
 * Which lines count: in fenced blocks, every line that runs xandr-sync (`xandr-sync ...`, `npx [--yes]
 * <spec naming xandr-sync> ...`, `.../.bin/xandr-sync ...`, `node bin/xandr-sync.js ...`), after a `$ `
 * prompt, a YAML `run:` or a systemd `ExecStart=`; in `console` blocks only the `$ ` lines (the rest is
 * output); a trailing `\` or a next line starting with `--` continues a line. In prose, code spans that
 * start that way. A code span that only names a command (`xandr-sync plan`) or gives its synopsis
 * (`xandr-sync validate [PATH...]`) is checked against `xandr-sync <command> --help` instead: the command
 * exists and takes every flag the synopsis names.
 *
 * Markers, in the trailing comment of the command line, inside its code block (or code span):
 *   `# needs real Xandr credentials`   not run: it means nothing against a sandbox (its command must exist)
 *   `# exits N`                        the exit code the page documents, when it is not 0; `plan` and
 *                                      `sync --once` with `--detailed-exitcode` expect 2 without a marker
 *
 * How a line runs: placeholders and example addresses are replaced as SUBSTITUTIONS and WORDS say, with
 * the page's workspace (PAGES; by default the repository's config-examples/ as `config/`). `apply` without
 * `--auto-approve` runs on a pseudo-terminal (util-linux `script`) and is answered `yes`, as a reader at a
 * terminal would. `sandbox`, and `sync` without `--once`, run until they are ready (listening; the first
 * cycle done), then get SIGTERM and must exit 0. `sync` fetches from a local https git server holding
 * config-examples/ as `config/`; `plan --comment` posts to a fake GitHub API.
 *
 * A new command line is picked up by itself. One this test cannot run (a placeholder it does not know, a
 * pipeline, a command the CLI does not have) fails, saying what to do: make it runnable here (extend
 * SUBSTITUTIONS, WORDS or PAGES), or mark it as needing real credentials.
 */

const test = suite('the command lines of the docs');

/** Commands the pages describe that the CLI does not have yet: the test fails once one exists. */
const KNOWN_GAPS: Record<string, string> = {};

interface Context {
  /** The workspace made a git repository: its first commit lacks config/seed/, which a second commit adds. */
  baseCommit(): string;
}

/** Text replaced before a line is split into words, and why the replacement means the same. */
const SUBSTITUTIONS: { from: string; to: (ctx: Context) => string; why: string }[] = [
  { from: 'git@github.com:acme/xandr-config.git', to: () => gitUrl(), why: 'the example config repository: a local https git server with config-examples/ as config/' },
  { from: 'https://github.com/acme/xandr-config.git', to: () => gitUrl(), why: 'the same' },
  { from: 'github.com/${GITHUB_REPOSITORY}.git', to: () => gitServer.url.replace(/^https:\/\//, ''), why: 'the same, with its token in $REPO_TOKEN' },
  { from: '<base commit>', to: (ctx) => ctx.baseCommit(), why: "a pull request's base: the workspace's first commit" },
  { from: '--port 8080', to: () => '--port 0', why: 'any free port: the machine is shared' },
  { from: '127.0.0.1:9464', to: () => '127.0.0.1:0', why: 'the same' },
  { from: '0.0.0.0:9464', to: () => '127.0.0.1:0', why: 'the same, on loopback: the test reaches it there' },
  { from: '/secrets/dashboard/token', to: () => dashboardTokenFile(), why: "the dashboard's token: a file of the test's, mode 0600" },
];

let tokenFile: string | null = null;
/** A dashboard token file as docs/sync.md describes one (one line, 0600), made once. */
function dashboardTokenFile(): string {
  if (tokenFile) return tokenFile;
  tokenFile = join(mkdtempSync(join(tmpdir(), 'xandr-sync-docs-token-')), 'token');
  writeFileSync(tokenFile, 'docs-test-dashboard-token-0123456789\n', { mode: 0o600 });
  return tokenFile;
}

/** Placeholder words (after splitting), replaced by what the workspace holds. */
const WORDS: Record<string, string> = { PATH: 'config', FILE: 'plan.json' };

/** Variables the pages' shell lines expand. */
const VARIABLES = (): Record<string, string> => ({ REPO_TOKEN: GIT_TOKEN, GITHUB_REPOSITORY: 'acme/xandr-config' });

interface Page {
  /** Files of the workspace (default: config-examples/ as config/). */
  files?: () => Record<string, string>;
  /** Objects the page's account holds besides a fresh sandbox's. */
  seed?: (sandbox: Sandbox) => Promise<void>;
  /** Commands that bring the workspace to where the page's command is run. */
  before?: (args: string[]) => string[][];
}

const PAGES: Record<string, Page> = {
  // The walkthrough imports a console-made account first; every later step runs on what the import wrote.
  'docs/adopting.md': {
    files: () => ({}),
    seed: async (sandbox) => {
      await sandbox.control.upsert({
        segments: [
          { id: 4172203, short_name: 'Legacy buyers', advertiser_id: 5678, state: 'active', expire_minutes: 43200 },
          { id: 4172204, short_name: 'Legacy Buyers', advertiser_id: 5678, state: 'inactive' },
          { id: 4172210, code: 'acme-cart-abandoners', short_name: 'Cart abandoners', advertiser_id: 5678, state: 'active', expire_minutes: 10080 },
        ],
      });
    },
    before: (args) => (args[0] === 'import' ? [] : [['import', '--advertiser', '5678', '--out', 'config']]),
  },
  // The validate example shows two mistakes: the workspace has them, where the example says.
  'docs/manifests.md': {
    files: () => ({
      ...configExamples(),
      'config/acme/segments.yaml': 'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: acme-visitors\nspec:\n  advertiser_id: 5678\n  shortname: Acme visitors\n',
      'config/acme/line-items.yaml': [
        '# yaml-language-server: $schema=../../schemas/manifest.schema.json',
        '#',
        "# The pixels of Acme's summer line item.",
        'apiVersion: xandr-sync/v1',
        'kind: LineItemPixels',
        'metadata:',
        '  name: acme-summer',
        'spec:',
        '  advertiser_id: 5678',
        '  line_item_id: 504',
        '  policy: additive',
        '  pixels:',
        '    - pixel: acme-newsletter',
        '    - pixel: purchse',
        '',
      ].join('\n'),
    }),
  },
};

const WHAT_TO_DO = "make it runnable here (SUBSTITUTIONS, WORDS or PAGES in test/docs/commands.test.ts), or end the line with '# needs real Xandr credentials'";
const GIT_TOKEN = 'docs-test-token';
let sandbox: Sandbox;
let gitRepo: RepoFixture;
let gitServer: HttpsGitServer;
let github: FakeGithub;
let commandNames = new Set<string>();
const usages = new Map<string, CliResult>();

const gitUrl = () => gitServer.url.replace(/^https:\/\//, `https://x-access-token:${GIT_TOKEN}@`);

function configExamples(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files[`config/${prefix}${entry.name}`] = readFileSync(join(dir, entry.name), 'utf8');
    }
  };
  walk(join(REPO, 'config-examples'), '');
  return files;
}

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: { ...sandboxEnv(sandbox.url) } });

test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
  gitRepo = repoFixture(configExamples(), 'the example config repository');
  gitServer = await startHttpsGitServer(gitRepo.origin, 'x-access-token', GIT_TOKEN);
  github = await startFakeGithub({ token: 'docs-test-github-token' });
  const help = await runCli(['--help'], { cwd: REPO });
  assert.is(help.code, 0, help.stderr);
  commandNames = new Set([...help.stdout.slice(help.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!));
});

test.after(async () => {
  await sandbox?.close();
  await gitServer?.close();
  await github?.close();
  gitRepo?.cleanup();
});

const extracted = USER_DOCS.map((file) => extractCommands(file, readDoc(file), new Set(['validate', 'plan', 'apply', 'sync', 'import', 'sandbox', 'show', 'login', 'accept-drift', ...Object.keys(KNOWN_GAPS)])));
const commands = extracted.flatMap((e) => e.commands);

test('the pages hold command lines, and the extraction finds them', () => {
  assert.ok(commands.length >= 30, `found ${commands.length}`);
  const where = new Set(commands.map((c) => c.file));
  for (const file of ['README.md', 'docs/adopting.md', 'docs/github.md', 'docs/manifests.md', 'docs/sandbox.md', 'docs/sync.md']) assert.ok(where.has(file), `${file} has commands`);
  assert.ok(commands.some((c) => c.file === 'docs/sync.md' && c.text.includes('--schedule "*/10 * * * *" --mode apply')), 'a systemd ExecStart continued over three lines');
  assert.ok(commands.some((c) => c.file === 'docs/sync.md' && /sync --once --repo .* --mode apply$/.test(c.text)), 'a folded YAML run: line');
});

test('no command of xandr-sync is shown as output (without its $ prompt)', () => {
  assert.equal(extracted.flatMap((e) => e.misplaced).map((m) => `${m.file}:${m.line}: ${m.text}`), [], 'give the line a `$ ` prompt, or move it out of the output block');
});

for (const command of commands) {
  test(`${command.file}:${command.line}: ${command.text}`, async () => {
    await check(command);
  });
}

async function check(command: DocCommand): Promise<void> {
  const at = `${command.file}:${command.line}: \`${command.text}\``;
  const synopsis = command.place === 'inline' && /\[|\.\.\./.test(command.text);
  const comment = /(?:^|\s)#\s(.*)$/.exec(command.text)?.[1] ?? null;
  const { needsCredentials, exitCode } = markers(comment);
  const name = /xandr-sync\S*\s+([a-z][a-z-]*)/.exec(command.text)?.[1];

  if (name !== undefined && KNOWN_GAPS[name]) {
    const help = await runCli([name, '--help'], { cwd: REPO });
    assert.is(help.code, 1, `${at}: '${name}' is a command now: remove it from KNOWN_GAPS in test/docs/commands.test.ts, so that its lines run`);
    assert.match(help.stderr, new RegExp(`unknown command '${name}'`));
    return;
  }
  if (name !== undefined && !commandNames.has(name)) {
    assert.unreachable(`${at}: 'xandr-sync ${name}' is not a command of the CLI (xandr-sync --help lists ${[...commandNames].join(', ')})`);
  }
  const bare = command.place === 'inline' && name !== undefined && new RegExp(`xandr-sync\\S*\\s+${name}$`).test(command.text);
  if (synopsis || bare || needsCredentials) {
    // Named, a synopsis, or not runnable here: the command exists and takes every flag written.
    if (name === undefined) return;
    const usage = await usageOf(name);
    for (const flag of command.text.match(/--[a-z][a-z-]*/g) ?? []) assert.ok(usage.includes(flag), `${at}: '${name} --help' does not list ${flag}`);
    return;
  }

  const page = PAGES[command.file] ?? {};
  const ws = workspace((page.files ?? configExamples)());
  try {
    await sandbox.control.reset();
    await page.seed?.(sandbox);
    let git: string | null = null;
    const ctx: Context = { baseCommit: () => (git ??= commitWorkspace(ws.dir)) };
    let text = command.text;
    for (const { from, to } of SUBSTITUTIONS) if (text.includes(from)) text = text.split(from).join(to(ctx));
    let split;
    try {
      split = splitCommand(text, VARIABLES());
    } catch (error) {
      assert.unreachable(`${at}: cannot run this line (${(error as Error).message}): ${WHAT_TO_DO}`);
      return;
    }
    if (split.rest !== null) {
      assert.unreachable(`${at}: cannot run '${split.rest}' (a pipeline, a list, a redirection or a <placeholder>): write one xandr-sync command per line, or ${WHAT_TO_DO}`);
    }
    const args = split.args.map((word) => WORDS[word] ?? word);
    const unknown = args.filter((word) => /^[A-Z][A-Z_]+$|<[^>]*>|\.\.\./.test(word));
    assert.equal(unknown, [], `${at}: placeholders this test cannot fill: ${WHAT_TO_DO}`);
    const expected = exitCode ?? (args.includes('--detailed-exitcode') ? 2 : 0);

    const env: Record<string, string> = { ...sandboxEnv(sandbox.url), ...split.env };
    if (args[0] === 'sync') env.GIT_SSL_CAINFO = gitServer.caFile;
    const commentsBefore = github.comments(7).length;
    if (args.includes('--comment')) Object.assign(env, githubEnv(ws.dir));

    const setup = [...(page.before?.(args) ?? [])];
    const savedPlan = args.indexOf('--plan');
    if (savedPlan >= 0) setup.push(['plan', 'config', '--out', args[savedPlan + 1]!]);
    for (const step of setup) {
      const done = await cli(step, ws.dir);
      assert.is(done.code, 0, `${at}: the setup step 'xandr-sync ${step.join(' ')}' failed:\n${done.stdout}\n${done.stderr}`);
    }

    const longRunning = args[0] === 'sandbox' || (args[0] === 'sync' && !args.includes('--once'));
    if (longRunning && args[0] === 'sync' && !args.includes('--listen')) args.push('--listen', '127.0.0.1:0'); // 9464 may be taken here
    const result = longRunning
      ? await runUntilReady(args, ws.dir, env)
      : args[0] === 'apply' && !args.includes('--auto-approve')
        ? await onTerminal(args, ws.dir, env)
        : await runCli(args, { cwd: ws.dir, env });
    assert.is(result.code, expected, `${at}: exit code ${result.code}, the page says ${expected}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);

    // A transcript's diagnostics are what the command prints, position for position and in order.
    let from = 0;
    for (const line of command.output.filter((l) => /^\S+:\d+:\d+: (error|warning) /.test(l))) {
      const found = result.stdout.indexOf(line, from);
      assert.ok(found >= 0, `${at}: the page shows, in this order,\n  ${line}\nbut the command printed\n${result.stdout}`);
      from = found + line.length;
    }
    if (args.includes('--comment')) assert.is(github.comments(7).length, commentsBefore + 1, `${at}: one plan comment on the pull request`);
  } finally {
    ws.cleanup();
  }
}

async function usageOf(name: string): Promise<string> {
  if (!usages.has(name)) usages.set(name, await runCli([name, '--help'], { cwd: REPO }));
  const help = usages.get(name)!;
  assert.is(help.code, 0, `'xandr-sync ${name} --help' failed: ${help.stderr}`);
  return help.stdout;
}

/** What the runner of a pull-request workflow sets for `plan --comment`, pointing at the fake GitHub API. */
function githubEnv(dir: string): Record<string, string> {
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_TOKEN: 'docs-test-github-token',
    GITHUB_REPOSITORY: 'acme/xandr-config',
    GITHUB_API_URL: github.url,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
  };
}

/** Makes the workspace a git repository: a first commit without config/seed/, then one adding it. */
function commitWorkspace(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A', '--', '.', ':!config/seed');
  git('commit', '-q', '-m', 'base');
  const base = git('rev-parse', 'HEAD');
  git('add', '-A');
  git('commit', '-q', '-m', 'the seed example');
  return base;
}

/** `apply` as at a terminal: a pseudo-terminal from util-linux `script`, with `yes` typed. */
function onTerminal(args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const line = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], { cwd, env: { ...baseEnv(cwd), ...env, TERM: 'dumb' } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr: '' });
    });
    child.stdin.end('yes\n');
  });
}

/**
 * A long-running command: started, then stopped with SIGTERM once it is ready (the sandbox listening and
 * answering a login; the sync job's first cycle reported, and not failed).
 */
function runUntilReady(args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...baseEnv(cwd), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    let problem: string | null = null;
    const stop = (why: string | null) => {
      if (stopping) return;
      stopping = true;
      problem = why;
      child.kill('SIGTERM');
    };
    const ready = async () => {
      const listening = /listening on (http:\/\/\S+)/.exec(stdout);
      if (args[0] === 'sandbox' && listening) {
        const login = await fetch(`${listening[1]}/auth`, { method: 'POST', body: JSON.stringify({ auth: { username: 'sandbox', password: 'sandbox' } }) });
        stop(login.status === 200 ? null : `the sandbox answered the login with HTTP ${login.status}`);
      }
      const cycle = /\] cycle 1: (\w+)/.exec(stdout);
      if (args[0] === 'sync' && cycle) stop(cycle[1] === 'failed' || cycle[1] === 'cancelled' ? `the first cycle ${cycle[1]}` : null);
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      ready().catch(reject);
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`xandr-sync ${args.join(' ')} was not ready within 60 s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A failed readiness check shows as a wrong exit code, with the reason at the end of stderr.
      resolve(problem === null ? { code, signal, stdout, stderr } : { code: null, signal, stdout, stderr: `${stderr}\n[not ready: ${problem}]` });
    });
  });
}

/** What runCli gives every child: nothing of the developer's shell. */
function baseEnv(cwd: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XANDR_SYNC_LOCK_DIR: join(cwd, '.locks'), XANDR_TOKEN_CACHE: 'off' };
}

test.run();
