import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, normalize, resolve } from 'node:path';
import { lockDir } from '../apply/lock.js';
import { ConfigRepo, defaultCacheDir } from '../git/config-repo.js';
import { checkRefName } from '../git/ref-name.js';
import { parseRemoteUrl } from '../git/remote-url.js';
import { styleFor } from '../render/style.js';
import { tokenProblem } from '../dashboard/dashboard-auth.js';
import { cronProblem, startCron, type CronTrigger } from '../sync/cron.js';

import { DEFAULT_FULL_EVERY_MS, SyncJob } from '../sync/job.js';
import { fileSnapshots, memorySnapshots } from '../sync/snapshot-store.js';
import { fileNotifyStore } from '../sync/notify-store.js';
import { jobDashboardSources, parseListenAddress, startStatusServer, type StatusServer } from '../sync/status-server.js';
import type { CycleReport } from '../sync/types.js';
import { parseWebhookUrl, Webhook } from '../sync/webhook.js';
import { render } from '../render/registry.js';
import { integer, oneOf, parseCommandArgs, switchFlags, valueFlags } from './args.js';
import { FileError, fsReason, UsageError } from './cli-errors.js';
import { connect, credentialDestination, ensureWorkDir } from './connection.js';
import { normalizeSandboxFlag, sandboxOption } from './gather.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type Command, type CommandIO } from './io.js';
import { redactor } from './redact.js';

const DEFAULT_LISTEN = '127.0.0.1:9464';

const USAGE = `Usage: xandr-sync sync --repo URL --schedule CRON [options]
       xandr-sync sync --repo URL --once [options]

The scheduled job: on every tick of the schedule it fetches the config repository, validates the
manifests at the ref's newest commit, plans against Xandr, and then applies the plan (mode apply) or
only reports it (mode detect). Runs until SIGTERM/SIGINT; with --once, runs one cycle and exits (for
Kubernetes CronJobs, GitHub Actions schedules and other schedulers). See docs/sync.md.

Options:
  --repo URL             the config repository: https://..., ssh://..., user@host:path
                         (file:///path only with --allow-file-url)
  --ref REF              branch, tag or commit to follow (default main)
  --path DIR             the manifest directory inside the repository (default: its root)
  --schedule CRON        when to run: 5 fields (minute first) or 6 (second first), local time (TZ)
  --mode apply|detect    apply: repair drift and apply new commits (default); detect: report only
  --once                 run one cycle now and exit (no schedule needed)
  --wait-for-schedule    do not run a cycle at start; wait for the first tick
  --listen HOST:PORT     the dashboard, /healthz, /readyz and /metrics (default ${DEFAULT_LISTEN};
                         'none' for no endpoint; with --once, only when given)
  --dashboard-token-file FILE
                         the dashboard asks for this token (Bearer, or as a basic-auth password);
                         required for a dashboard on a non-loopback --listen address
  --no-dashboard         serve only /healthz, /readyz and /metrics
  --webhook URL          post Slack-compatible messages on drift, failure and recovery
                         (or XANDR_SYNC_WEBHOOK_URL, which keeps the URL out of the process list)
  --format text|json     the cycle log on stdout: text (default) or one JSON object per cycle
  --cache DIR            where the repository is cloned (default .xandr-sync/repos/<hash of URL>)
  --allow-file-url       accept file:// repository URLs (a repository on this machine)
  --full-every DURATION  read Xandr in full at least this often (default 24h; e.g. 6h, 90m); between full
                         reads a cycle lists only what was modified since the last read
  --full                 read Xandr in full every cycle
  --max-changes N        refuse to apply a plan with more than N changes (the cycle fails)
  --max-deletes N        refuse to apply a plan that deletes or deactivates more than N
  --advertiser ID        sync only this advertiser's objects (repeatable; a shard)
  --api-url URL          the API (default XANDR_API_URL, then the project file, then https://api.appnexus.com)
  --sandbox[=FILE]       sync to the embedded sandbox (default state .xandr-sync/sandbox.json)
  --detailed-exitcode    with --once: exit 2 when drift was found (mode detect)

Exit codes: 0 stopped by a signal, or --once cycle succeeded; 1 an error at start or a failed --once
cycle; 2 drift found by --once with --detailed-exitcode.`;

export const syncCommand: Command = {
  summary: 'the scheduled job: pull a repository, repair or report drift',
  usage: USAGE,
  async run(io) {
    const { values, positionals } = parseCommandArgs(normalizeSandboxFlag(io.argv), {
      ...valueFlags(
        'repo', 'ref', 'path', 'schedule', 'mode', 'listen', 'dashboard-token-file', 'webhook', 'format',
        'cache', 'max-changes', 'max-deletes', 'api-url', 'sandbox', 'full-every',
      ),
      ...switchFlags('once', 'wait-for-schedule', 'no-dashboard', 'allow-file-url', 'detailed-exitcode', 'full'),
      advertiser: { type: 'string', multiple: true },
    });
    if (positionals.length > 0) throw new UsageError(`sync takes no PATH (got '${positionals[0]}'); name the manifest directory with --path`);

    // Everything is checked before anything runs: a refused URL or ref never reaches git.
    if (values.repo === undefined) throw new UsageError('--repo URL is required');
    const remote = parseRemoteUrl(values.repo, { allowFile: values['allow-file-url'] });
    for (const secret of remote.secrets) redactor.add(secret);
    const ref = checkRefName(values.ref ?? 'main');
    const path = manifestPath(values.path ?? '.');
    const mode = oneOf('mode', values.mode, ['apply', 'detect'] as const, 'apply');
    const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
    const once = values.once === true;
    if (!once && values.schedule === undefined) throw new UsageError('--schedule CRON is required (or --once for one cycle)');
    const schedule = values.schedule;
    if (schedule !== undefined) {
      const problem = cronProblem(schedule);
      if (problem) throw new UsageError(`--schedule '${schedule}' is not a cron expression: ${problem}`);
    }
    if (values['detailed-exitcode'] && !once) throw new UsageError('--detailed-exitcode goes with --once');
    const listenText = values.listen ?? (once ? 'none' : DEFAULT_LISTEN);
    const listen = listenText === 'none' ? null : parseListenAddress(listenText);
    const dashboardOn = values['no-dashboard'] !== true;
    const tokenFile = values['dashboard-token-file'];
    if (tokenFile !== undefined && !dashboardOn) throw new UsageError('--dashboard-token-file and --no-dashboard cannot be used together');
    if (tokenFile !== undefined && !listen) throw new UsageError('--dashboard-token-file needs an endpoint: give --listen HOST:PORT');
    const dashboardToken = tokenFile !== undefined ? readDashboardToken(io, tokenFile) : null;
    if (listen && dashboardOn && !listen.loopback && !dashboardToken) {
      throw new UsageError(
        `--listen ${listenText} is not a loopback address: the dashboard there needs --dashboard-token-file FILE (or keep it on 127.0.0.1 behind a reverse proxy, or --no-dashboard to serve only /healthz, /readyz and /metrics)`,
      );
    }
    const webhookText = values.webhook ?? io.env.XANDR_SYNC_WEBHOOK_URL;
    const webhookTarget = webhookText ? parseWebhookUrl(webhookText) : null;
    if (webhookText) {
      redactor.add(webhookText);
      redactor.add(new URL(webhookText).pathname.replace(/^\/+/, ''));
    }
    const advertisers = (values.advertiser ?? []).map((a) => integer('advertiser', a, 1)!);
    const guards = {
      max_changes: integer('max-changes', values['max-changes'], 0),
      max_deletes: integer('max-deletes', values['max-deletes'], 0),
    };

    const cacheDir = values.cache !== undefined ? resolve(io.cwd, values.cache) : defaultCacheDir(io.cwd, remote);
    if (values.cache === undefined) ensureWorkDir(dirname(cacheDir));
    const repo = new ConfigRepo({ remote, ref, cacheDir });
    const outStyle = styleFor(io.stdout, io.env);
    const log = (line: string) => io.stderr.write(`[${new Date(io.clock.now()).toISOString()}] ${line}\n`);
    const webhook = webhookTarget ? new Webhook(webhookTarget, (text) => redactor.redact(text)) : null;
    const fullEveryMs = values['full-every'] === undefined ? DEFAULT_FULL_EVERY_MS : parseDuration('full-every', values['full-every']);
    const stateKey = createHash('sha256').update(JSON.stringify([mode, ref, path, advertisers, values['api-url'] ?? null])).digest('hex').slice(0, 12);

    /** The budget of the connection in force, and the cron trigger once it runs: for the dashboard. */
    let readsPerMinute: number | null = null;
    const cron: { trigger: CronTrigger | null } = { trigger: null };
    const job = new SyncJob({
      clock: io.clock,
      cycle: {
        repo,
        repoDisplay: remote.display,
        ref,
        path,
        mode,
        lockDir: lockDir(io.env),
        command: `xandr-sync sync --repo ${remote.display} --ref ${ref}`,
        advertisers: advertisers.length ? advertisers : undefined,
        guards,
        operatorApiUrl: credentialDestination(io, { apiUrl: values['api-url'], sandbox: sandboxOption(values.sandbox) }),
      },
      connector: async (config, onEvent) => {
        const connection = await connect(io, { apiUrl: values['api-url'], sandbox: sandboxOption(values.sandbox), config, onEvent });
        readsPerMinute = connection.budget.readsPerMinute;
        return connection;
      },
      signal: io.stopSignal,
      webhook,
      notifyStore: webhook ? fileNotifyStore(`${cacheDir}.notify-${stateKey}.json`, log) : undefined,
      // The long-lived job keeps its snapshot in memory; --once runs share one next to the repository cache.
      reads: {
        snapshots: once ? fileSnapshots(`${cacheDir}.snapshot-${stateKey}.json`, (value) => redactor.redactDeep(value), log) : memorySnapshots(),
        fullEveryMs,
        alwaysFull: values.full === true,
      },
      onReport: (report) => writeReport(io, report, format, outStyle),
      log,
    });

    let server: StatusServer | null = null;
    try {
      if (listen) {
        const dashboard = dashboardOn
          ? jobDashboardSources(job, {
              clock: io.clock,
              schedule: () => (schedule === undefined || once ? null : { expression: schedule, next: cron.trigger?.nextRun() ?? null }),
              readsPerMinute: () => readsPerMinute,
            })
          : undefined;
        server = await startStatusServer(listen, { metrics: () => job.metrics.render(), readiness: () => job.readiness(), dashboard, dashboardToken });
        const paths = dashboardOn ? `the dashboard at /${dashboardToken ? ' (token required)' : ''}, /healthz, /readyz, /metrics` : '/healthz, /readyz, /metrics';
        log(`${dashboardOn ? 'dashboard, health and metrics' : 'health and metrics'} on ${server.url} (${paths})${listen.loopback ? '' : ': a non-loopback address, reachable from the network'}`);
      }
      if (once) {
        const report = await job.runCycle();
        if (report.result === 'failed') return EXIT_ERROR;
        return report.result === 'drift' && values['detailed-exitcode'] ? EXIT_CHANGES : EXIT_OK;
      }
      return await runScheduled(io, job, schedule!, cron, { waitForSchedule: values['wait-for-schedule'] === true, log, describe: `${remote.display} ${ref}, mode ${mode}, schedule '${schedule}'` });
    } finally {
      await job.close();
      await server?.close();
      await webhook?.close();
    }
  },
};

/** Ticks on the schedule until the stop signal; the cycle in flight then finishes (the caller waits for it). */
async function runScheduled(
  io: CommandIO,
  job: SyncJob,
  schedule: string,
  cron: { trigger: CronTrigger | null },
  options: { waitForSchedule: boolean; log: (line: string) => void; describe: string },
): Promise<number> {
  const { log } = options;
  const tick = () =>
    job.tick().catch((error: unknown) => {
      log(`internal error in a tick (a bug in xandr-sync; please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
  const trigger = startCron(schedule, { tick, overlap: () => job.recordOverlap(), log });
  cron.trigger = trigger;
  log(`syncing ${options.describe}; stop with SIGTERM or Ctrl-C`);
  try {
    if (!options.waitForSchedule) void tick();
    await new Promise<void>((resolve) => {
      if (io.stopSignal.aborted) return resolve();
      io.stopSignal.addEventListener('abort', () => resolve(), { once: true });
    });
    log('stop requested: no new cycles; finishing the one in flight, if any');
  } finally {
    trigger.stop();
  }
  await job.close();
  log('stopped');
  return EXIT_OK;
}

function writeReport(io: CommandIO, report: CycleReport, format: 'text' | 'json', style: ReturnType<typeof styleFor>): void {
  render('cycle', format, report, io.stdout, { style });
}

/** `24h`, `90m`, `45s`, `1d`: a duration flag in milliseconds. */
function parseDuration(flag: string, text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) throw new UsageError(`--${flag} must be a duration like 24h, 90m or 1d (got '${text}')`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** The dashboard's token: one line, long enough, never printed (the redactor learns it). */
function readDashboardToken(io: CommandIO, file: string): string {
  const path = resolve(io.cwd, file);
  let token: string;
  try {
    token = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    // Like ssh with a private key: a secret others can read is worth saying so about, once.
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      io.stderr.write(`warning: --dashboard-token-file ${file} can be read by other users; chmod 600 it\n`);
    }
  } catch (error) {
    throw new FileError(`cannot read --dashboard-token-file ${file}: ${fsReason(error)}`);
  }
  const problem = tokenProblem(token);
  if (problem) throw new UsageError(`--dashboard-token-file ${file} cannot be used: ${problem}`);
  redactor.add(token);
  return token;
}

/** A directory inside the repository: relative, and not climbing out of it with '..'. */
function manifestPath(text: string): string {
  if (text === '' || isAbsolute(text)) throw new UsageError(`--path must be a directory inside the repository, relative to its root (got '${text}')`);
  const normal = normalize(text).replace(/\\/g, '/').replace(/\/+$/, '') || '.';
  if (normal === '..' || normal.startsWith('../')) throw new UsageError(`--path '${text}' leads outside the repository`);
  return normal;
}

