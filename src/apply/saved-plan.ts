import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { changedSince, type Action, type Plan, type Target } from '../plan/index.js';
import {
  findPixelByCode,
  findSegmentByCode,
  getLineItems,
  getMember,
  getPixels,
  getSegments,
  type XandrClient,
} from '../xandr/index.js';
import { SavedPlanError } from './apply-errors.js';

const PLAN_SCHEMA = new URL('../../schemas/plan.schema.json', import.meta.url);

/** A saved plan is only ever applied to the target it was made for. */
export async function checkSavedPlanTarget(plan: Plan, here: Omit<Target, 'member_id'>, client: XandrClient, signal?: AbortSignal): Promise<void> {
  if (plan.target.kind !== here.kind || plan.target.api_url !== here.api_url) {
    throw new SavedPlanError(
      `this plan was made for ${plan.target.kind} ${plan.target.api_url} (member ${plan.target.member_id}), not for ${here.kind} ${here.api_url}; refusing to apply it here`,
    );
  }
  const member = await getMember(client, signal);
  if (member.id !== plan.target.member_id) {
    throw new SavedPlanError(`this plan was made for member ${plan.target.member_id}, but these credentials belong to member ${member.id}; refusing to apply it`);
  }
}

/** Reads a saved plan and checks it against schemas/plan.schema.json. */
export function readSavedPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SavedPlanError(`cannot read the saved plan ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SavedPlanError(`${file} is not a saved plan: ${(error as Error).message}`);
  }
  const ajv = new Ajv({ allErrors: false, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(PLAN_SCHEMA, 'utf8')));
  if (!validate(data)) {
    const first = validate.errors?.[0];
    throw new SavedPlanError(`${file} is not a valid saved plan: ${first?.instancePath || '(root)'} ${first?.message ?? 'is invalid'}`);
  }
  const plan = data as Plan;
  if (plan.errors.length > 0) throw new SavedPlanError(`${file} is a plan with errors; it cannot be applied`);
  return plan;
}

/**
 * For each action of a saved plan, whether its object is still as it was when the plan was made.
 * Returns the actions to refuse, with the reason. One read per 100 objects per kind, plus code lookups
 * for creates.
 */
export async function findStaleActions(plan: Plan, client: XandrClient, signal?: AbortSignal): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  const byKind = (kind: Action['kind']) => plan.actions.filter((a) => a.kind === kind && a.id !== null);
  const ids = (actions: Action[]) => actions.map((a) => a.id!);
  const [segments, pixels, lineItems] = await Promise.all([
    getSegments(client, ids(byKind('Segment')), signal),
    getPixels(client, ids(byKind('ConversionPixel')), signal),
    getLineItems(client, ids(byKind('LineItemPixels')), signal),
  ]);
  const current = new Map<string, Map<number, Record<string, unknown>>>([
    ['Segment', new Map(segments.map((o) => [o.id, o]))],
    ['ConversionPixel', new Map(pixels.map((o) => [o.id, o]))],
    ['LineItemPixels', new Map(lineItems.map((o) => [o.id, o]))],
  ]);

  await Promise.all(
    plan.actions.map(async (action) => {
      if (action.id === null) {
        const existing = await findCreated(client, action, signal);
        if (existing !== null) refused.set(action.address, `changed since the plan was made: an object with this code now exists (id ${existing}); plan again`);
        return;
      }
      const object = current.get(action.kind)!.get(action.id);
      if (!object) {
        refused.set(action.address, `changed since the plan was made: ${action.kind} ${action.id} no longer exists; plan again`);
        return;
      }
      const field = changedSince(action.live, object);
      if (field) refused.set(action.address, `changed since the plan was made: ${field} of ${action.kind} ${action.id} is no longer what the plan saw; plan again`);
    }),
  );
  return refused;
}

async function findCreated(client: XandrClient, action: Action, signal?: AbortSignal): Promise<number | null> {
  const body = action.request.body as Record<string, Record<string, unknown>> | null;
  if (action.kind === 'Segment' && typeof body?.segment?.code === 'string') {
    return (await findSegmentByCode(client, body.segment.code, signal))?.id ?? null;
  }
  const advertiserId = action.request.query.advertiser_id;
  if (action.kind === 'ConversionPixel' && typeof body?.pixel?.code === 'string' && typeof advertiserId === 'number') {
    return (await findPixelByCode(client, advertiserId, body.pixel.code, signal))?.id ?? null;
  }
  return null;
}
