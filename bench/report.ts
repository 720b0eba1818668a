import { READ_SERVICES, totalReads, totalWrites } from './calls.js';
import type { CostResult } from './cost.js';
import type { Machine } from './machine.js';
import type { BenchSettings, ScaleResult } from './measure.js';
import type { Sample } from './stats.js';

/** The issue's targets, checked on the 1x workload of the default size. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
  /** A count, which no noise can change: missing it is a regression (the bench exits 1). */
  exact: boolean;
}

export const PLAN_WALL_TARGET_MS = 2000;
export const PLAN_RSS_TARGET_BYTES = 250 * 2 ** 20;
export const READS_SLACK = 0.05;
export const APPLY_UTILIZATION_TARGET = 0.95;

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / 2 ** 20)} MB` : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n)} ms` : 'n/a');
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : 'n/a');
const spread = (s: Sample, unit: (n: number) => string) => `${unit(s.median)} (${unit(s.min)} to ${unit(s.max)})`;

function readsVsBound(r: ScaleResult): string {
  const measured = totalReads(r.planCalls);
  const bound = totalReads(r.bound);
  const over = bound > 0 ? (measured - bound) / bound : 0;
  return `${int(measured)} / ${int(bound)} (${over >= 0 ? '+' : ''}${(over * 100).toFixed(1)} %)`;
}

export function checkTargets(r: ScaleResult): TargetCheck[] {
  const reads = totalReads(r.planCalls);
  const bound = totalReads(r.bound);
  const applyWrites = totalWrites(r.apply.calls);
  return [
    { target: `reads within ${READS_SLACK * 100} % of the lower bound`, measured: readsVsBound(r), met: reads <= bound * (1 + READS_SLACK) && r.planCalls.logins === 1, exact: true },
    {
      target: 'writes: exactly the changed objects',
      measured: `plan ${int(r.planned.writes)}, apply ${int(applyWrites)}, changed ${int(r.changed)}; at most ${r.apply.calls.maxWritesPerObject} per object`,
      met:
        r.planned.writes === r.changed &&
        r.planned.missing + r.planned.unexpected + r.planned.wrongAction === 0 &&
        applyWrites === r.changed &&
        r.apply.calls.maxWritesPerObject <= 1 &&
        r.apply.done === r.changed,
      exact: true,
    },
    { target: 'a converged re-plan makes no writes', measured: `${r.converged.planActions} actions, re-apply ${r.converged.applyWrites} writes`, met: r.converged.planActions === 0 && r.converged.applyWrites === 0, exact: true },
    { target: `plan wall time < ${seconds(PLAN_WALL_TARGET_MS)} (median)`, measured: seconds(r.plan.wallMs.median), met: r.plan.wallMs.median < PLAN_WALL_TARGET_MS, exact: false },
    { target: `plan peak RSS < ${mb(PLAN_RSS_TARGET_BYTES)} (median)`, measured: mb(r.plan.rssBytes.median), met: r.plan.rssBytes.median < PLAN_RSS_TARGET_BYTES, exact: false },
    {
      target: `apply uses >= ${APPLY_UTILIZATION_TARGET * 100} % of the write budget`,
      measured: Number.isFinite(r.apply.utilization) ? `${pct(r.apply.utilization)} (${r.apply.perWindow.toFixed(1)} writes per window)` : 'not measurable: every write fits in one window',
      met: !(r.apply.utilization < APPLY_UTILIZATION_TARGET),
      exact: false,
    },
    { target: 'apply causes no 429', measured: `${r.apply.throttled} x 429`, met: r.apply.throttled === 0, exact: true },
  ];
}

/** Issue 15's targets for what a run costs in Xandr's read budget: all counts, so all exact. */
export function checkCostTargets(c: CostResult): TargetCheck[] {
  const share = c.daily.after / c.daily.budget;
  return [
    { target: 'a scoped plan of a 3-document change: at most 10 reads, exactly those changes', measured: `${c.scopedPlan.reads} reads, ${c.scopedPlan.actions.length} actions`, met: c.scopedPlan.reads <= 10 && c.scopedPlan.actions.join() === c.scopedPlan.edited.join(), exact: true },
    { target: 'a no-change incremental cycle: at most 5 reads', measured: `${c.quietCycle.reads} reads (${c.quietCycle.mode})`, met: c.quietCycle.reads <= 5 && c.quietCycle.mode === 'incremental', exact: true },
    { target: 'an incremental cycle after console edits finds what a full read finds', measured: c.editedCycle.sameAsFull ? 'the same plan' : 'a different plan', met: c.editedCycle.sameAsFull, exact: true },
    { target: 'with the filter ignored, a cycle reads in full and finds all drift', measured: `${c.ignoredFilter.mode} read, ${c.ignoredFilter.sameAsFull ? 'the same plan' : 'a different plan'}`, met: c.ignoredFilter.mode === 'full' && c.ignoredFilter.sameAsFull, exact: true },
    { target: '10 CLI runs in a row: 1 login', measured: `${c.tenRunsLogins} login${c.tenRunsLogins === 1 ? '' : 's'}`, met: c.tenRunsLogins === 1, exact: true },
    { target: 'a 5-minute drift schedule: under 2 % of the daily read budget', measured: pct(share), met: share < 0.02, exact: true },
  ];
}

function renderCost(c: CostResult): string {
  const perDay = (24 * 60) / 5;
  return [
    '| run | reads | logins | wall time |',
    '|---|---:|---:|---:|',
    `| (a) plan of everything (${int(c.fullPlan.actions)} changes) | ${int(c.fullPlan.reads)} | ${c.fullPlan.logins} | ${seconds(c.fullPlan.ms)} |`,
    `| (b) \`plan --changed-since\` a 3-document change (${c.scopedPlan.actions.length} changes) | ${int(c.scopedPlan.reads)} | ${c.scopedPlan.logins} | ${seconds(c.scopedPlan.ms)} |`,
    `| (c) drift cycle, nothing new (${c.quietCycle.mode}) | ${int(c.quietCycle.reads)} | 0 | ${seconds(c.quietCycle.ms)} |`,
    `| (d) drift cycle after 20 console edits (${int(c.editedCycle.actions)} changes, ${c.editedCycle.sameAsFull ? 'same as a full read' : '**not** the full read\'s'}) | ${int(c.editedCycle.reads)} | 0 | ${seconds(c.editedCycle.ms)} |`,
    `| 10 \`plan\` runs in a row, token cache on | | ${c.tenRunsLogins} | |`,
    '',
    '| a drift check every 5 minutes | reads a day | share of the member\'s 144,000 |',
    '|---|---:|---:|',
    `| before: every cycle reads everything (${perDay} x ${int(c.fullPlan.reads)}) | ${int(c.daily.before)} | ${pct(c.daily.before / c.daily.budget)} |`,
    `| after: incremental cycles, one full read a day (${perDay - 1} x ${c.quietCycle.reads} + ${int(c.fullPlan.reads)}) | ${int(c.daily.after)} | ${pct(c.daily.after / c.daily.budget)} |`,
  ].join('\n');
}

/** Marginal cost per 1,000 objects between two sizes: equal along the sweep when cost grows linearly. */
function marginal(a: ScaleResult, b: ScaleResult, value: (r: ScaleResult) => number): number {
  return ((value(b) - value(a)) / (b.objects - a.objects)) * 1000;
}

export function renderReport(
  results: ScaleResult[],
  cost: CostResult,
  settings: Omit<BenchSettings, 'factors' | 'base' | 'log'> & { size: string },
  machine: Machine,
  end: { load: number; seconds: number; probe: [number, number] },
): string {
  const head = results.map((r) => `${r.factor}x`);
  const row = (label: string, cell: (r: ScaleResult) => string) => `| ${label} | ${results.map(cell).join(' | ')} |`;
  const first = results[0]!;
  const lines: string[] = [];

  lines.push('| | ' + head.join(' | ') + ' |', '|---|' + head.map(() => '---:|').join(''));
  lines.push(row('objects (segments / pixels / line items)', (r) => `${int(r.objects)} (${int(r.shape.segments)} / ${int(r.shape.pixels)} / ${int(r.shape.lineItems)})`));
  lines.push(row('manifest files, YAML', (r) => `${r.files}, ${(r.yamlBytes / 2 ** 20).toFixed(1)} MB`));
  lines.push(row(`changed objects (${r0(first.shape.drift * 100)} % drift)`, (r) => int(r.changed)));
  lines.push(row('**validate** wall, median (min to max)', (r) => spread(r.validate.wallMs, seconds)));
  lines.push(row('validate peak RSS', (r) => mb(r.validate.rssBytes.median)));
  lines.push(row('**plan** wall, median (min to max)', (r) => spread(r.plan.wallMs, seconds)));
  lines.push(row('plan peak RSS, median (min to max)', (r) => spread(r.plan.rssBytes, mb)));
  lines.push(row('plan CPU (user + system)', (r) => seconds(r.plan.cpuMs.median)));
  lines.push(row('plan reads / lower bound', readsVsBound));
  lines.push(row(`reads by service (${READ_SERVICES.join(', ')})`, (r) => READ_SERVICES.map((s) => r.planCalls.reads[s]).join(', ')));
  lines.push(row('segment targeting: profiles, profile reads / bound', (r) => `${int(r.shape.lineItems)}, ${r.planCalls.reads.profile} / ${r.bound.reads.profile}`));
  lines.push(row('plan logins / writes', (r) => `${r.planCalls.logins} / ${totalWrites(r.planCalls)}`));
  lines.push(row('planned writes / changed objects', (r) => `${int(r.planned.writes)} / ${int(r.changed)}${r.planned.missing + r.planned.unexpected + r.planned.wrongAction ? ` (${r.planned.missing} missing, ${r.planned.unexpected} unexpected, ${r.planned.wrongAction} wrong action)` : ''}`));
  lines.push(row('**apply** writes / changed objects (most per object)', (r) => `${int(totalWrites(r.apply.calls))} / ${int(r.changed)} (${r.apply.calls.maxWritesPerObject})`));
  lines.push(row(`apply writes per window / budget ${settings.apply.writes} (share used)`, (r) => (Number.isFinite(r.apply.utilization) ? `${r.apply.perWindow.toFixed(1)} (${pct(r.apply.utilization)})` : 'all in one window')));
  lines.push(row('apply: most writes the sandbox saw in any window', (r) => int(r.apply.maxInAnyWindow)));
  lines.push(row('apply: 429 answers', (r) => String(r.apply.throttled)));
  lines.push(row('apply: write latency, median', (r) => `${r.apply.writeLatencyMs.toFixed(1)} ms`));
  lines.push(row('apply first to last write / budget-bound minimum', (r) => `${seconds(r.apply.spanMs)} / ${seconds(r.apply.idealMs)}`));
  lines.push(row('apply elapsed (plan included)', (r) => seconds(r.apply.elapsedMs)));
  lines.push(row('converged: re-plan actions, re-apply writes', (r) => `${r.converged.planActions}, ${r.converged.applyWrites}`));
  lines.push(row('**dashboard** `/objects` server time, median: first page; filtered by kind, status and advertiser', (r) => `${ms(r.dashboard.objectsMs.median)}; ${ms(r.dashboard.filteredMs.median)}`));
  lines.push(row('dashboard: object index, built once per cycle', (r) => ms(r.dashboard.indexMs)));
  const table = lines.join('\n');

  const linear: string[] = [];
  if (results.length >= 2) {
    const steps = results.slice(1).map((r, i) => [results[i]!, r] as const);
    const stepHead = steps.map(([a, b]) => `${a.factor}x to ${b.factor}x`);
    linear.push('| per 1,000 more objects | ' + stepHead.join(' | ') + ' |', '|---|' + stepHead.map(() => '---:|').join(''));
    const mrow = (label: string, value: (r: ScaleResult) => number, unit: (n: number) => string) =>
      `| ${label} | ${steps.map(([a, b]) => unit(marginal(a, b, value))).join(' | ')} |`;
    linear.push(mrow('validate wall', (r) => r.validate.wallMs.median, (n) => `${Math.round(n)} ms`));
    linear.push(mrow('plan wall', (r) => r.plan.wallMs.median, (n) => `${Math.round(n)} ms`));
    linear.push(mrow('plan CPU', (r) => r.plan.cpuMs.median, (n) => `${Math.round(n)} ms`));
    linear.push(mrow('plan peak RSS', (r) => r.plan.rssBytes.median, (n) => `${(n / 2 ** 20).toFixed(1)} MB`));
    linear.push(mrow('plan reads', (r) => totalReads(r.planCalls), (n) => n.toFixed(1)));
    linear.push(mrow('apply elapsed', (r) => r.apply.elapsedMs, (n) => `${Math.round(n)} ms`));
  }

  const checks = [...checkTargets(first), ...checkCostTargets(cost)];
  const targetLines = ['| target (1x) | measured | |', '|---|---|---|', ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.met ? 'met' : '**MISSED**'} |`)];

  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${settings.size === 'default' ? '' : ` -- --size ${settings.size}`}\` on ${machine.date}. Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.os}, Node ${machine.node}. The run took ${Math.round(end.seconds)} s. At its start and its end, the 1-minute load average was ${machine.load} and ${end.load}, and a fixed piece of JavaScript (\`cpuProbeMs\` in bench/machine.ts) took ${end.probe[0]} ms and ${end.probe[1]} ms: this shared virtual machine's speed drifts by tens of percent, and every figure below drifts with it.`,
    '',
    `Workload: seed ${settings.seed}; 1x is ${int(first.shape.segments)} segments, ${int(first.shape.pixels)} conversion pixels and ${int(first.shape.lineItems)} line items with pixel bindings and segment targeting (one profile each, 1 or 2 groups of 1 to 3 segments) across ${first.shape.advertisers} advertisers, ${r0(first.shape.drift * 100)} % of each kind drifted; 2 % more console-made objects without a code live in the member. Validate and plan figures are medians of ${settings.runs} runs; the apply is one run per size.`,
    '',
    'Run it with `npm run bench` (about 3 minutes; writes this file) or `npm run bench -- --size small` (2,800 objects, about 15 seconds; prints only). `--scales 1,2,4`, `--runs N`, `--seed N` and `--apply-writes N --apply-window-ms N` change what is measured; `--help` lists them.',
    '',
    '## Targets',
    '',
    targetLines.join('\n'),
    '',
    '## What a run costs in the read budget (1x)',
    '',
    `Xandr allows a member about 100 reads a minute, shared with every trader's console, so reads are the scarce resource. Measured side by side in one run (\`bench/cost.ts\`) on the ${int(cost.objects)}-object workload, in process, against a sandbox whose clock the run moves forward (five minutes between drift cycles pass at once). Wall times here are the CLI's or the read's own, without Node's start.`,
    '',
    renderCost(cost),
    '',
    '## 1x, 2x and 4x',
    '',
    table,
    '',
    ...(linear.length
      ? [
          '## Linearity',
          '',
          'The cost of each 1,000 more objects between two sizes. If cost grows linearly these stay flat along a row; a cost that grew with the square of the size would double from one column to the next. Each run also pays a fixed part (Node and module start, the login), which is why 2x takes less than twice 1x.',
          '',
          linear.join('\n'),
          '',
        ]
      : []),
    '## How it is measured',
    '',
    `- **Workload.** \`bench/workload.ts\` generates the manifests (YAML, ${first.files} files at 1x: a directory per advertiser, 200 documents per file, as a team would split them) and the live objects from a seed. The live objects go into a sandbox started in the bench process (\`startSandbox\`, bulk \`upsert\`), which serves the measured processes from the same 2 cores; the manifests go into a temporary directory committed to git, as a configuration repository is.`,
    `- **Plan and validate** run the real CLI as a child process (\`node bin/xandr-sync.js plan\`, text output) against the sandbox's URL with credentials, as CI does. Wall time is from spawn to exit, so Node's own start is included. One JSON plan per size is checked against the drift before the timed runs, and warms the sandbox up.`,
    '- **Peak RSS** is the child\'s own `getrusage` maximum (`process.resourceUsage().maxRSS`), written at exit by `bench/resource-usage.mjs`, which the child preloads with `--import`: the kernel keeps it from exec on, so start-up is included and no sampling can miss a peak. It is the same figure GNU time\'s `%M` reports.',
    '- **Reads and writes** are counted from the sandbox\'s request log (requests that reached a service). The lower bound is one login, one `/member`, the advertisers in id lists of 100, every segment of the member in pages of 100, every pixel of each advertiser with pixels or bindings in pages of 100 per advertiser, the bound line items in id lists of 100, and their profiles in id lists of 100. Writes: one per changed object, one PUT per line item (its pixels) and one per profile.',
    `- **Read budget.** \`xandr-sync.yaml\` in the bench repository says \`rate: { reads_per_minute: ${settings.rate.readsPerMinute}, max_in_flight: ${settings.rate.maxInFlight} }\`, and the sandbox's read limit is lifted while plans run, so reads are measured, not throttled. With the default of 100 reads per minute, a ${totalReads(first.bound)}-read plan would take about ${Math.ceil(totalReads(first.bound) / 100)} minute${Math.ceil(totalReads(first.bound) / 100) === 1 ? '' : 's'}: against Xandr the rate limit, not the CPU, bounds a plan of this size.`,
    `- **Apply throughput.** The sandbox's write limit and the client's write budget are both ${settings.apply.writes} writes per ${settings.apply.windowMs} ms window. Xandr's window is 60 s and the CLI cannot shorten it, so \`bench/apply-child.ts\` runs what \`apply\` runs (\`loadManifests\`, \`planAgainstLive\`, \`applyPlan\`) in a child process with the shorter window. The share of the budget used is the least time the budget allows from the first write to the last, (ceil(writes / budget) - 1) windows, divided by the time the sandbox saw; writes per window is that share times the budget. The client charges a slot until a window after the answer arrived (plus 10 ms), so it cannot reach 100 %: each window loses about 10 ms plus a write's latency, which is ${pct((10 + first.apply.writeLatencyMs) / settings.apply.windowMs)} of a ${settings.apply.windowMs} ms window here and under 0.5 % of Xandr's 60 s one. Sending the first window's writes through 15 connections also takes a moment, once per apply.`,
    '- **Converged.** After the apply, a JSON plan must have no action, and `apply --auto-approve` must make no write.',
    `- **Dashboard.** Before the apply, a detect-mode \`SyncJob\` in the bench process reads the member and plans; its status server then answers \`/objects\` over HTTP, timed by the answer's own \`Server-Timing\` header (the server's work: the page, and on the first request after the cycle the object index, built once per cycle). Medians of 26 first pages and 25 filtered ones (\`kind=Segment&status=drifted&advertiser=<the first>\`). Not asserted by any test: \`test/dashboard/large-member.test.ts\` checks the same pages answer correctly at 28,000 objects.`,
    `- **Noise.** The machine is shared, and its speed drifts by tens of percent over minutes. The ${settings.runs} timed rounds go round the sizes in turn (1x, 2x, 4x, 1x, ...), so a slow spell slows every size alike; medians are reported with their range.`,
    '',
  ].join('\n');
}

function r0(n: number): string {
  return String(Math.round(n * 10) / 10);
}
