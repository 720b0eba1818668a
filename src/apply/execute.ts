import { isRef, type Action, type Json, type Plan, type PlannedRequest } from '../plan/index.js';
import { createObject, deleteObject, updateObject, XandrError, type Write, type XandrClient } from '../xandr/index.js';

type OutcomeStatus = 'done' | 'failed' | 'skipped';

export interface ActionOutcome {
  address: string;
  action: Action['action'];
  wave: number;
  status: OutcomeStatus;
  /** The object's id after the action (the new id for a create). */
  id: number | null;
  /** For `failed`: what Xandr (or the network) said. */
  error?: { message: string; code: string; status?: number; error_id?: string; error_code?: string };
  /** For `skipped`: why (a failed dependency, a refused saved-plan entry, cancellation). */
  reason?: string;
  /** Skipped because its object changed in Xandr since the saved plan was made: applying the file again would refuse it again. */
  stale?: true;
}

export interface ApplyReport {
  outcomes: ActionOutcome[];
  done: number;
  failed: number;
  skipped: number;
  ok: boolean;
}

interface ExecuteOptions {
  client: XandrClient;
  /** Stops scheduling new actions; writes already sent are allowed to finish. */
  signal?: AbortSignal;
  /** Actions not to run, with the reason (saved-plan entries whose object changed since). */
  refused?: Map<string, string>;
  onOutcome?: (outcome: ActionOutcome, progress: { finished: number; total: number }) => void;
}

/**
 * Runs a plan wave by wave; inside a wave every action is issued at once and the client's rate budget
 * paces them. A failed action skips everything that depends on it (transitively) and nothing else.
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<ApplyReport> {
  const { client, signal } = options;
  const ids = new Map<string, number>();
  const status = new Map<string, OutcomeStatus>();
  const outcomes: ActionOutcome[] = [];
  const total = plan.actions.length;
  const record = (outcome: ActionOutcome) => {
    outcomes.push(outcome);
    status.set(outcome.address, outcome.status);
    if (outcome.id !== null) ids.set(outcome.address, outcome.id);
    options.onOutcome?.(outcome, { finished: outcomes.length, total });
  };

  const waves = new Map<number, Action[]>();
  for (const action of plan.actions) {
    const wave = waves.get(action.wave);
    if (wave) wave.push(action);
    else waves.set(action.wave, [action]);
  }
  for (const wave of [...waves.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      waves.get(wave)!.map(async (action) => {
        const base = { address: action.address, action: action.action, wave: action.wave, id: action.id };
        const refused = options.refused?.get(action.address);
        if (refused) return record({ ...base, status: 'skipped', reason: refused, stale: true });
        const blocker = action.depends_on.find((dep) => status.get(dep) !== 'done');
        if (blocker) {
          return record({ ...base, status: 'skipped', reason: `depends on ${blocker}, which ${status.get(blocker) === 'failed' ? 'failed' : 'was not applied'}` });
        }
        if (signal?.aborted) return record({ ...base, status: 'skipped', reason: 'cancelled before it started' });
        try {
          const id = await perform(client, action, ids, signal);
          record({ ...base, status: 'done', id });
        } catch (error) {
          if (!(error instanceof XandrError)) throw error;
          if (error.code === 'XANDR_ABORTED') return record({ ...base, status: 'skipped', reason: 'cancelled before it was sent' });
          record({ ...base, status: 'failed', error: describe(error) });
        }
      }),
    );
  }
  const count = (s: OutcomeStatus) => outcomes.filter((o) => o.status === s).length;
  const report = { outcomes: sortLike(plan, outcomes), done: count('done'), failed: count('failed'), skipped: count('skipped'), ok: false };
  report.ok = report.failed === 0 && report.skipped === 0;
  return report;
}

/** Sends one planned request through the client's write path, refs replaced by the ids earlier waves produced. */
async function perform(client: XandrClient, action: Action, ids: Map<string, number>, signal?: AbortSignal): Promise<number | null> {
  const request = resolveRefs(action.request, ids);
  const write: Write = {
    service: request.path.replace(/^\//, ''),
    query: request.query as Record<string, number | string>,
    body: (request.body ?? null) as Record<string, unknown> | null,
    object: action.address,
    signal,
  };
  switch (request.method) {
    case 'POST':
      return createObject(client, write);
    case 'PUT':
      return updateObject(client, write);
    case 'DELETE':
      await deleteObject(client, write);
      return action.id;
  }
}

function resolveRefs(request: PlannedRequest, ids: Map<string, number>): PlannedRequest {
  const resolve = (value: Json): Json => {
    if (isRef(value)) {
      const id = ids.get(value.ref);
      if (id === undefined) throw new Error(`no id for ${value.ref}: its action did not run first (a bug in the plan order)`);
      return id;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  return {
    ...request,
    query: resolve(request.query as unknown as Json) as PlannedRequest['query'],
    body: request.body === null ? null : resolve(request.body),
  };
}

function describe(error: XandrError): NonNullable<ActionOutcome['error']> {
  return {
    message: error.message,
    code: error.code,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.errorId !== undefined ? { error_id: error.errorId } : {}),
    ...(error.errorCode !== undefined ? { error_code: error.errorCode } : {}),
  };
}

function sortLike(plan: Plan, outcomes: ActionOutcome[]): ActionOutcome[] {
  const order = new Map(plan.actions.map((a, i) => [a.address, i]));
  return [...outcomes].sort((a, b) => order.get(a.address)! - order.get(b.address)!);
}
