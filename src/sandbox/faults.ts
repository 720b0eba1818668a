/**
 * Injected faults. Rules are checked in order; the first one that matches and fires wins. A rule that is
 * still letting requests through (`skip`) or whose `rate` draw misses does not stop the search, so later
 * rules still see the request.
 */
import type { FaultAction, FaultRule, FaultRuleStatus, FaultsView } from './types.js';
import type { Prng } from './random.js';

const ACTIONS: readonly FaultAction[] = ['error', 'reset', 'lose', 'throttle', 'delay'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', '*'] as const;
const ERROR_IDS = ['SYSTEM', 'SYNTAX', 'INTEGRITY', 'LIMIT', 'UNAUTH'] as const;

interface ActiveRule {
  rule: FaultRule;
  remaining: number | null;
  skipRemaining: number;
  hits: number;
}

export class Faults {
  private rules: ActiveRule[] = [];

  constructor(private readonly prng: Prng) {}

  set(rules: FaultRule[], seed?: number): void {
    const checked = rules.map((rule, index) => checkRule(rule, index));
    if (seed !== undefined) this.prng.reseed(seed);
    this.rules = checked.map((rule) => ({ rule, remaining: rule.count ?? null, skipRemaining: rule.skip ?? 0, hits: 0 }));
  }

  view(): FaultsView {
    return {
      seed: this.prng.seed,
      rules: this.rules.map(
        (r): FaultRuleStatus => ({ ...r.rule, remaining: r.remaining, skipRemaining: r.skipRemaining, hits: r.hits }),
      ),
    };
  }

  /** The rule that fires for this request, if any (and counts it). */
  match(method: string, path: string): FaultRule | null {
    for (const active of this.rules) {
      if (active.remaining === 0 || !applies(active.rule, method, path)) continue;
      if (active.skipRemaining > 0) {
        active.skipRemaining--;
        continue;
      }
      if (active.rule.rate !== undefined && this.prng.next() >= active.rule.rate) continue;
      if (active.remaining !== null) active.remaining--;
      active.hits++;
      return active.rule;
    }
    return null;
  }
}

function applies(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method !== '*' && rule.method !== method) return false;
  // /auth is only faulted by a rule that names it, so "fail 10% of requests" never blocks logging in.
  if (rule.path === undefined) return path !== '/auth';
  return path.startsWith(rule.path) && (path !== '/auth' || rule.path.startsWith('/auth'));
}

/** A copy of the rule with only known keys, or a TypeError saying what is wrong. */
function checkRule(value: unknown, index: number): FaultRule {
  const where = `fault rule ${index}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${where} must be an object`);
  const raw = value as Record<string, unknown>;
  const known = ['method', 'path', 'action', 'status', 'errorId', 'echoToken', 'retryAfter', 'delayMs', 'count', 'skip', 'rate'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) throw new TypeError(`${where}: unknown key '${key}'`);
  if (!ACTIONS.includes(raw.action as FaultAction)) throw new TypeError(`${where}: 'action' must be one of ${ACTIONS.join(', ')}`);
  const rule: FaultRule = { action: raw.action as FaultAction };
  if (raw.method !== undefined) {
    if (!(METHODS as readonly unknown[]).includes(raw.method)) throw new TypeError(`${where}: 'method' must be one of ${METHODS.join(', ')}`);
    rule.method = raw.method as FaultRule['method'];
  }
  if (raw.path !== undefined) {
    if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) throw new TypeError(`${where}: 'path' must be a string starting with '/'`);
    rule.path = raw.path;
  }
  const integer = (key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new TypeError(`${where}: '${key}' must be an integer from ${min} to ${max}`);
    return v;
  };
  const status = integer('status', 400, 599);
  const retryAfter = integer('retryAfter', 0);
  const delayMs = integer('delayMs', 0);
  const count = integer('count', 0);
  const skip = integer('skip', 0);
  if (status !== undefined) rule.status = status;
  if (retryAfter !== undefined) rule.retryAfter = retryAfter;
  if (delayMs !== undefined) rule.delayMs = delayMs;
  if (count !== undefined) rule.count = count;
  if (skip !== undefined) rule.skip = skip;
  if (raw.errorId !== undefined) {
    if (!(ERROR_IDS as readonly unknown[]).includes(raw.errorId)) throw new TypeError(`${where}: 'errorId' must be one of ${ERROR_IDS.join(', ')}`);
    rule.errorId = raw.errorId as FaultRule['errorId'];
  }
  if (raw.echoToken !== undefined) {
    if (typeof raw.echoToken !== 'boolean') throw new TypeError(`${where}: 'echoToken' must be true or false`);
    rule.echoToken = raw.echoToken;
  }
  if (raw.rate !== undefined) {
    if (typeof raw.rate !== 'number' || !(raw.rate >= 0 && raw.rate <= 1)) throw new TypeError(`${where}: 'rate' must be a number from 0 to 1`);
    rule.rate = raw.rate;
  }
  return rule;
}
