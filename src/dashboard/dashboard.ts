import { targetLabel } from '../render/plan-text.js';
import type { JobView } from '../sync/job.js';
import { loadAssets, type Asset } from './dashboard-assets.js';
import { badRequestPage, cyclePage, cyclesPage, notFoundPage } from './cycle-page.js';
import { buildObjectIndex } from './object-index.js';
import { objectPage } from './object-page.js';
import { FilterError, objectsPage, parseFilter } from './objects-page.js';
import { overviewPage } from './overview-page.js';
import type { PageContext } from './page-parts.js';
import type { DashboardSources, ObjectIndex } from './types.js';

interface DashboardResponse {
  status: number;
  type: string;
  body: string | Buffer;
  /** `Server-Timing`: how long the index (when this request built it) and the page took. */
  timing: string;
}

/**
 * The Content-Security-Policy of every page: nothing but this server's own stylesheet, script, icon and
 * forms; no inline script or style, no frames, no plugins, no base URL games.
 */
export const DASHBOARD_CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * The read-only dashboard (docs/sync.md, "The dashboard"): pages rendered on the server from what the job
 * knows. The object index is built once per cycle, on the first request after it, and kept until the next.
 */
export class Dashboard {
  private readonly assets: Map<string, Asset>;
  private cached: { key: object; index: ObjectIndex } | null = null;

  constructor(private readonly sources: DashboardSources) {
    this.assets = loadAssets();
  }

  /** Answers a GET (or HEAD) for `path` (decoded by nobody yet) with `query`. */
  respond(path: string, query: URLSearchParams): DashboardResponse {
    const started = performance.now();
    const view = this.sources.view();
    const { index, built } = this.index(view);
    const context: PageContext = { now: this.sources.now(), target: view.latest?.report.plan ? targetLabel(view.latest.report.plan) : null };
    const done = (status: number, body: string | Buffer, type = HTML_TYPE): DashboardResponse => ({
      status,
      type,
      body,
      timing: [built ? `index;dur=${index!.buildMs.toFixed(1)}` : null, `render;dur=${(performance.now() - started - (built ? index!.buildMs : 0)).toFixed(1)}`].filter(Boolean).join(', '),
    });

    if (path.startsWith('/assets/')) {
      const asset = this.assets.get(path.slice('/assets/'.length));
      return asset ? done(200, asset.body, asset.type) : done(404, notFoundPage('No such file.', context));
    }
    if (path === '/') return done(200, overviewPage(view, index, this.sources, context));
    if (path === '/cycles' || path === '/cycles/') return done(200, cyclesPage(view.cycles, context));
    if (path === '/objects' || path === '/objects/') {
      try {
        return done(200, objectsPage(index, parseFilter(query, index), context));
      } catch (error) {
        if (error instanceof FilterError) return done(400, badRequestPage(error.message, context));
        throw error;
      }
    }
    const object = /^\/objects\/(.+)$/.exec(path);
    if (object) {
      const address = decode(object[1]!);
      const entry = address === null ? undefined : index?.byAddress.get(address);
      if (!entry || !index) return done(404, notFoundPage(`No managed object ${address === null ? 'at that address' : `'${address}'`} in the latest cycle.`, context));
      return done(200, objectPage(index, entry, context));
    }
    const cycle = /^\/cycles\/(\d{1,9})$/.exec(path);
    if (cycle) {
      const report = view.cycles.find((c) => c.cycle === Number(cycle[1]));
      if (report) return done(200, cyclePage(report, context));
      const kept = view.cycles.length ? ` The job keeps cycles #${view.cycles.at(-1)!.cycle} to #${view.cycles[0]!.cycle}.` : ' No cycle has finished yet.';
      return done(404, notFoundPage(`There is no cycle #${cycle[1]} in this process.${kept}`, context));
    }
    return done(404, notFoundPage('There is no such page.', context));
  }

  private index(view: JobView): { index: ObjectIndex | null; built: boolean } {
    const latest = view.latest;
    if (!latest) return { index: null, built: false };
    if (this.cached?.key === latest.report) return { index: this.cached.index, built: false };
    const index = buildObjectIndex(latest, view.cycles);
    this.cached = { key: latest.report, index };
    return { index, built: true };
  }
}

/** `%2F` and friends back to text; a malformed escape is a 404, not a crash. */
function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
