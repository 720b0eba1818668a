import type { Action, DriftAttribution, Json, Plan } from '../plan/types.js';
import { changeDetail, latestChange, XandrApiError, XandrError, XandrRateLimitError, type XandrClient } from '../xandr/index.js';

/**
 * Who changed a drifted object: for each managed object the plan updates, the newest transaction Xandr's
 * Change Log records on it (`/change-log`, then `/change-log-detail`: at most 2 reads per object), and of
 * it the fields that the plan changes back. At most `maxLookups` objects per plan, inside the same read
 * budget as everything else. It never fails the plan: when the change log cannot be read (this user type
 * may not, a throttle, the bound) the plan says so in one line (`plan.attribution.note`).
 */
export interface AttributionOptions {
  /** Objects to look up at most (xandr-sync.yaml `attribution.max_lookups`); 0 turns attribution off. */
  maxLookups: number;
  signal?: AbortSignal;
}

/** The change-log service that records each kind's object. */
function serviceOf(action: Action): string | null {
  if (action.address.includes('#')) return null;
  switch (action.request.path) {
    case '/segment':
      return 'segment';
    case '/pixel':
      return 'pixel';
    case '/line-item':
      return 'line-item';
    case '/profile':
      return 'profile';
    default:
      return null;
  }
}

/** An update of a managed object that exists: the live object differs from git. Creates, adopts, renames and prune are not drift. */
function isDrift(action: Action): boolean {
  return action.action === 'update' && action.id !== null && action.source !== undefined && serviceOf(action) !== null;
}

/** The top-level fields the action writes back: what the change log's entry is filtered to. */
function fieldsOf(action: Action): Set<string> {
  return new Set(action.changes.map((c) => c.path.split('/')[1]!).filter(Boolean));
}

const MAX_VALUE = 500;

/** A value from the change log, cut to a size a plan can show (Xandr's texts are anyone's input). */
function bounded(value: Json): Json {
  if (typeof value === 'string') return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value;
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : value;
  }
  return value;
}

export async function attributeDrift(client: XandrClient, plan: Plan, options: AttributionOptions): Promise<void> {
  const drifted = plan.actions.filter(isDrift);
  if (drifted.length === 0 || options.maxLookups <= 0) return;
  const readsBefore = client.stats.reads;
  const chosen = drifted.slice(0, options.maxLookups);
  const notes: string[] = [];
  let stopped: string | null = null;
  let failed = 0;

  await Promise.all(
    chosen.map(async (action) => {
      if (stopped) return;
      const service = serviceOf(action)!;
      try {
        const entry = await latestChange(client, service, action.id!, options.signal);
        if (!entry) {
          action.drift = null;
          return;
        }
        if (stopped) return;
        const detail = await changeDetail(client, service, entry.transaction_id, options.signal);
        if (!detail) {
          action.drift = null;
          return;
        }
        const fields = fieldsOf(action);
        const attribution: DriftAttribution = {
          changed_by: detail.user_full_name,
          request_source: detail.request_source,
          changed_at: detail.created_on ?? entry.created_on,
          changes: detail.changes.filter((c) => c.changed && fields.has(c.field_name)).map((c) => ({ field: c.field_name, old: bounded(c.old_value), new: bounded(c.new_value) })),
        };
        action.drift = attribution;
      } catch (error) {
        if (!(error instanceof XandrError) || error.code === 'XANDR_ABORTED') throw error;
        action.drift = null;
        if (error instanceof XandrApiError && (error.status === 401 || error.status === 403 || error.errorId === 'UNAUTH')) {
          stopped ??= "this user may not read Xandr's Change Log (only member, advertiser and member_advertiser users may)";
        } else if (error instanceof XandrRateLimitError) {
          stopped ??= 'the read budget ran out (throttled)';
        } else failed++;
      }
    }),
  );

  const unattributed = drifted.length - chosen.length;
  if (stopped) notes.push(`drift is shown without who changed it: ${stopped}`);
  if (failed) notes.push(`the Change Log could not be read for ${failed} object${failed === 1 ? '' : 's'}`);
  if (unattributed > 0) notes.push(`${unattributed} more drifted object${unattributed === 1 ? ' was' : 's were'} not looked up (attribution.max_lookups is ${options.maxLookups})`);
  const reads = client.stats.reads - readsBefore;
  plan.summary.reads += reads;
  plan.attribution = { looked_up: chosen.length, reads, note: notes.length ? notes.join('; ') : null };
}
