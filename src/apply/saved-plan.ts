import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import type { Plan, Target } from '../plan/index.js';
import { getMember, type XandrClient } from '../xandr/index.js';
import { SavedPlanError } from './apply-errors.js';

const PLAN_SCHEMA = new URL('../../schemas/plan.schema.json', import.meta.url);

/**
 * Reads a saved plan: JSON, valid against schemas/plan.schema.json (a malformed file is refused naming the
 * field), and without plan errors. What it says is data: `apply --plan` plans again and checks it
 * (plan/saved-plan-check.ts) before anything is written.
 */
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
    throw new SavedPlanError(`${file} is not a valid saved plan: ${describeSchemaError(validate.errors?.[0])}; make it again with 'xandr-sync plan --out'`);
  }
  const plan = data as Plan;
  // Plans saved before scopes existed have none: they are plans of everything.
  plan.scope ??= null;
  if (plan.errors.length > 0) throw new SavedPlanError(`${file} is a plan with errors; it cannot be applied`);
  return plan;
}

/** `actions[3]: missing required field 'kind'`, not ajv's `/actions/3 must have required property 'kind'`. */
function describeSchemaError(error: ErrorObject | undefined): string {
  if (!error) return 'it does not match the plan format';
  const where = error.instancePath ? error.instancePath.slice(1).replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.').replace(/^(\d+)/, '[$1]') : 'the document';
  if (error.keyword === 'required') return `${where}: missing required field '${(error.params as { missingProperty: string }).missingProperty}'`;
  if (error.keyword === 'additionalProperties') return `${where}: unknown field '${(error.params as { additionalProperty: string }).additionalProperty}'`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

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
