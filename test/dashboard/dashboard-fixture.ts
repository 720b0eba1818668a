import { join } from 'node:path';
import { ConfigRepo } from '../../src/git/config-repo.js';
import { parseRemoteUrl } from '../../src/git/remote-url.js';
import { SyncJob } from '../../src/sync/job.js';
import { jobDashboardSources, startStatusServer, type StatusServer } from '../../src/sync/status-server.js';
import type { Connector, SyncMode } from '../../src/sync/types.js';
import { XandrClient } from '../../src/xandr/index.js';
import type { RepoFixture } from '../git/repo-fixture.js';
import type { Sandbox } from '../helpers/sandbox.js';

/** The read budget the test connections run at; the overview's daily budget is this times 1,440. */
export const READS_PER_MINUTE = 100_000;

export interface DashboardJob {
  job: SyncJob;
  server: StatusServer;
  url: string;
  close(): Promise<void>;
}

/** A client of the sandbox, as `connect()` makes one, with the job's event listener. */
export function sandboxConnector(sandbox: Sandbox): Connector {
  return async (_config, onEvent) => {
    const client = new XandrClient({
      apiUrl: sandbox.url,
      credentials: { username: 'sandbox', password: 'sandbox' },
      budget: { readsPerMinute: READS_PER_MINUTE, writesPerMinute: 100_000, maxInFlight: 15 },
      retry: { maxAttempts: 1 },
      onEvent,
    });
    return { client, target: { kind: 'xandr', api_url: sandbox.url }, lockKey: sandbox.url, close: () => client.close() };
  };
}

/**
 * A real SyncJob on a git repository and the sandbox, with its status server and dashboard on 127.0.0.1:0,
 * wired as the sync command wires them. Cycles run when the test calls `job.runCycle()`.
 */
export async function startDashboardJob(
  sandbox: Sandbox,
  repo: RepoFixture,
  options: { mode?: SyncMode; schedule?: { expression: string; next: Date | null } | null; dashboardToken?: string } = {},
): Promise<DashboardJob> {
  const job = new SyncJob({
    cycle: {
      repo: new ConfigRepo({ remote: parseRemoteUrl(repo.url, { allowFile: true }), ref: 'main', cacheDir: join(repo.dir, `cache-${options.mode ?? 'apply'}`) }),
      repoDisplay: repo.url,
      ref: 'main',
      path: '.',
      mode: options.mode ?? 'detect',
      lockDir: join(repo.dir, 'locks'),
      command: 'xandr-sync sync (dashboard test)',
      operatorApiUrl: sandbox.url,
    },
    connector: sandboxConnector(sandbox),
    signal: new AbortController().signal,
  });
  const schedule = options.schedule === undefined ? { expression: '*/10 * * * *', next: new Date(Date.now() + 7 * 60_000) } : options.schedule;
  const server = await startStatusServer(
    { host: '127.0.0.1', port: 0 },
    {
      metrics: () => job.metrics.render(),
      readiness: () => job.readiness(),
      dashboard: jobDashboardSources(job, { clock: { now: () => Date.now() }, schedule: () => schedule, readsPerMinute: () => READS_PER_MINUTE }),
      dashboardToken: options.dashboardToken ?? null,
    },
  );
  return {
    job,
    server,
    url: server.url,
    close: async () => {
      await job.close();
      await server.close();
    },
  };
}
