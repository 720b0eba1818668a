import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';

/**
 * The README's install path, as a user takes it: `npm pack` in the repository (which runs `prepare`, the
 * build), then the tarball installed into an empty project the way the reusable workflows install it
 * (`--ignore-scripts`: nothing is built where it is installed), then the installed binary run. npm fetches
 * xandr-sync's dependencies from its cache or, failing that, from the registry (`--prefer-offline`).
 */

const test = suite('install from a tarball');
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
/** npm may have to reach the registry for a dependency the cache lacks: give it time, then say so. */
const NPM_TIMEOUT_MS = 5 * 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs / 1000} s (is the npm registry reachable?)\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** npm with the user's environment (cache, proxy, registry settings), minus what `npm test` says about itself. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_(lifecycle|package)_/.test(key)) delete env[key];
  return env;
}

/** The installed xandr-sync runs with nothing of the developer's shell: no credentials, no token cache. */
function cliEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XANDR_TOKEN_CACHE: 'off' };
}

function explain(what: string, result: Run): string {
  return `${what} exited ${result.code}\nstdout:\n${result.stdout.slice(-4000)}\nstderr:\n${result.stderr.slice(-4000)}`;
}

let scratch = '';
let tarball = '';
let packed: string[] = [];
let app = '';

test.before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'xandr-sync-pack-'));
  const out = join(scratch, 'pack');
  mkdirSync(out);
  const pack = await run('npm', ['pack', '--json', '--pack-destination', out], REPO, npmEnv(), NPM_TIMEOUT_MS);
  assert.is(pack.code, 0, explain('npm pack', pack));
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(out, info!.filename);
  packed = info!.files.map((f) => f.path);

  app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'config-repo', version: '1.0.0', private: true }, null, 2)}\n`);
  const install = await run('npm', ['install', '--save-dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', tarball], app, npmEnv(), NPM_TIMEOUT_MS);
  assert.is(install.code, 0, explain(`npm install ${tarball} (dependencies come from the npm cache or the registry)`, install));
});

test.after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the tarball holds the build, the binary, the schemas and the dashboard\'s assets, and nothing of the sources or tests', () => {
  assert.is(tarball.endsWith(`xandr-sync-${version}.tgz`), true, tarball);
  for (const file of ['package.json', 'README.md', 'bin/xandr-sync.js', 'assets/dashboard.css', 'dist/cli/main.js', 'dist/sandbox/index.js', 'dist/manifest/validators.generated.js', 'schemas/manifest.schema.json', 'schemas/plan.schema.json']) {
    assert.ok(packed.includes(file), `${file} is in the tarball`);
  }
  const stray = packed.filter((f) => !/^(package\.json|README\.md|bin\/|dist\/|schemas\/|assets\/)/.test(f));
  assert.equal(stray, [], 'only package.json, the README, bin/, dist/, schemas/ and the dashboard\'s assets/');
  // `build` starts from an empty dist/, so a module whose source was renamed or removed is never shipped.
  const sources = new Set(listTs(join(REPO, 'src')));
  const orphans = packed.filter((f) => f.startsWith('dist/') && f.endsWith('.js')).map((f) => f.slice('dist/'.length, -'.js'.length)).filter((m) => !sources.has(m));
  assert.equal(orphans, [], 'every module in dist/ has its source in src/');
});

test('installed without scripts, it brings its dependencies and none of its dev dependencies', () => {
  const modules = join(app, 'node_modules');
  assert.ok(existsSync(join(modules, 'xandr-sync', 'dist', 'cli', 'main.js')), 'the build came with the tarball');
  const { dependencies, devDependencies } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  for (const name of Object.keys(dependencies!)) assert.ok(existsSync(join(modules, name, 'package.json')), `dependency ${name} is installed`);
  for (const name of Object.keys(devDependencies!)) assert.not.ok(existsSync(join(modules, name)), `dev dependency ${name} is not installed`);
  const lock = readFileSync(join(app, 'package-lock.json'), 'utf8');
  assert.ok(lock.includes('"node_modules/xandr-sync"'), 'the lockfile pins it, as the reusable workflows look for');
});

test('the installed xandr-sync prints its version, validates, and plans against its embedded sandbox', async () => {
  const bin = join(app, 'node_modules', '.bin', 'xandr-sync');
  const versionRun = await run(bin, ['--version'], app, cliEnv());
  assert.is(versionRun.code, 0, explain('xandr-sync --version', versionRun));
  assert.is(versionRun.stdout, `${version}\n`, 'the version of package.json');

  for (const [path, text] of Object.entries(SEED)) {
    mkdirSync(join(app, 'config'), { recursive: true });
    writeFileSync(join(app, 'config', path), text);
  }
  const validate = await run(bin, ['validate', 'config'], app, cliEnv());
  assert.is(validate.code, 0, explain('xandr-sync validate config', validate));
  assert.match(validate.stdout, /^valid: 3 files: 1 segment, 1 conversion pixel, 1 line-item binding/);

  writeFileSync(join(app, 'config', 'typo.yaml'), 'apiVersion: xandr-sync/v1\nkind: Segment\nmetadata:\n  name: typo\nspec:\n  shortname: Typo\n');
  const invalid = await run(bin, ['validate', 'config'], app, cliEnv());
  assert.is(invalid.code, 1, explain('xandr-sync validate on a typo', invalid));
  assert.match(invalid.stdout, /typo\.yaml:6:3: error unknown-field unknown field 'shortname'/);
  rmSync(join(app, 'config', 'typo.yaml'));

  // undici, the sandbox and the renderers: the whole runtime, with only what `dependencies` installed.
  const plan = await run(bin, ['plan', 'config', '--detailed-exitcode'], app, cliEnv());
  assert.is(plan.code, 2, explain('xandr-sync plan config --detailed-exitcode', plan));
  assert.match(plan.stdout, /Plan: 2 to create, 1 to update, 0 to delete/);
  assert.match(plan.stderr, /using the embedded sandbox/);
});

test('a copy without its build says how to get one, instead of a stack trace', async () => {
  const copy = join(scratch, 'unbuilt');
  cpSync(join(app, 'node_modules', 'xandr-sync'), copy, { recursive: true });
  rmSync(join(copy, 'dist'), { recursive: true });
  const result = await run(process.execPath, [join(copy, 'bin', 'xandr-sync.js'), '--version'], scratch, cliEnv());
  assert.is(result.code, 1, explain('an unbuilt xandr-sync', result));
  assert.match(result.stderr, /^error: xandr-sync in .*unbuilt is not built \(dist\/cli\/main\.js is missing\).*npm pack/);
  assert.not.match(result.stderr, /ERR_MODULE_NOT_FOUND|\n\s+at /, 'no stack');
});

function listTs(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listTs(join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.ts') ? [`${prefix}${entry.name.slice(0, -3)}`] : [],
  );
}

test.run();
