import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigRepo } from '../src/git/config-repo.js';
import { parseRemoteUrl } from '../src/git/remote-url.js';
import type { Sandbox } from '../src/sandbox/index.js';
import { SyncJob } from '../src/sync/job.js';
import { jobDashboardSources, startStatusServer } from '../src/sync/status-server.js';
import { XandrClient } from '../src/xandr/index.js';
import type { RateSettings } from './repository.js';
import { sample, type Sample } from './stats.js';

export interface DashboardTiming {
  /** Building the object index, once per cycle (on the first request after it). */
  indexMs: number;
  /** `/objects`, the first page of every object. */
  objectsMs: Sample;
  /** `/objects` filtered by kind, status and advertiser. */
  filteredMs: Sample;
}

/** The same requests, again and again: what a reader clicking through the pages costs the job. */
const REQUESTS = 25;

/**
 * The dashboard's server time on the workload's member: a detect-mode SyncJob (in this process) reads the
 * sandbox and plans, then `/objects` is asked for over HTTP and timed by its own `Server-Timing` header,
 * which counts the server's work only (the index build, the page), not the network or the client.
 */
export async function measureDashboard(sandbox: Sandbox, repoDir: string, rate: RateSettings, advertiser: number): Promise<DashboardTiming> {
  // The bench repository's branch is whatever `git init` chose here.
  const ref = execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: repoDir, encoding: 'utf8' }).trim();
  const job = new SyncJob({
    cycle: {
      repo: new ConfigRepo({ remote: parseRemoteUrl(`file://${repoDir}`, { allowFile: true }), ref, cacheDir: join(repoDir, '.bench-dashboard-cache') }),
      repoDisplay: repoDir,
      ref,
      path: '.',
      mode: 'detect',
      lockDir: join(repoDir, '.bench-locks'),
      command: 'npm run bench (dashboard)',
      operatorApiUrl: sandbox.url,
    },
    connector: async (_config, onEvent) => {
      const client = new XandrClient({ apiUrl: sandbox.url, credentials: { username: 'sandbox', password: 'sandbox' }, budget: rate, onEvent });
      return { client, target: { kind: 'xandr', api_url: sandbox.url }, lockKey: sandbox.url, close: () => client.close() };
    },
    signal: new AbortController().signal,
  });
  const server = await startStatusServer(
    { host: '127.0.0.1', port: 0 },
    {
      metrics: () => job.metrics.render(),
      readiness: () => job.readiness(),
      dashboard: jobDashboardSources(job, { clock: { now: () => Date.now() }, schedule: () => null, readsPerMinute: () => rate.readsPerMinute }),
    },
  );
  try {
    const report = await job.runCycle();
    if (report.result !== 'drift') throw new Error(`the dashboard's detect cycle ended ${report.result}: ${report.failure?.message ?? ''}`);
    const timed = async (path: string) => {
      const response = await fetch(`${server.url}${path}`);
      if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}`);
      await response.arrayBuffer();
      return serverTiming(response.headers.get('server-timing') ?? '');
    };
    const first = await timed('/objects');
    if (first.index === undefined) throw new Error('the first request after the cycle did not build the index');
    const objects: number[] = [first.render];
    const filtered: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      objects.push((await timed('/objects')).render);
      filtered.push((await timed(`/objects?kind=Segment&status=drifted&advertiser=${advertiser}`)).render);
    }
    return { indexMs: first.index, objectsMs: sample(objects), filteredMs: sample(filtered) };
  } finally {
    await job.close();
    await server.close();
  }
}

/** `index;dur=812.3, render;dur=4.1` */
function serverTiming(header: string): { index?: number; render: number } {
  const out: Record<string, number> = {};
  for (const part of header.split(',')) {
    const m = /^\s*([a-z]+);dur=([\d.]+)\s*$/.exec(part);
    if (m) out[m[1]!] = Number(m[2]);
  }
  if (out.render === undefined) throw new Error(`no render time in Server-Timing: ${header}`);
  return { index: out.index, render: out.render };
}
