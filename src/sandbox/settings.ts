/** The runtime settings: what `PUT /__sandbox/config` changes, and checking a patch before it is applied. */
import { DEFAULT_TOKEN_IDLE_MS, DEFAULT_TOKEN_LIFETIME_MS } from './auth.js';
import { DEFAULT_SANDBOX_LIMITS } from './limits.js';
import type { SandboxConfig, SandboxLimits } from './types.js';

const KEYS = ['dialect', 'limits', 'latency', 'tokenIdleMs', 'tokenLifetimeMs', 'ignoreModifiedFilter', 'refuseChangeLog', 'shapes'];

export function defaultConfig(): SandboxConfig {
  return {
    dialect: 'modern',
    limits: { ...DEFAULT_SANDBOX_LIMITS },
    latency: null,
    tokenIdleMs: DEFAULT_TOKEN_IDLE_MS,
    tokenLifetimeMs: DEFAULT_TOKEN_LIFETIME_MS,
    ignoreModifiedFilter: false,
    refuseChangeLog: false,
    shapes: 'sandbox',
  };
}

/** The config with the patch applied; a TypeError naming the first bad value otherwise. */
export function patchConfig(config: SandboxConfig, patch: unknown): SandboxConfig {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new TypeError('config must be a JSON object');
  const p = patch as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!KEYS.includes(key)) throw new TypeError(`unknown config key '${key}' (expected ${KEYS.join(', ')})`);
  }
  const next: SandboxConfig = { ...config, limits: { ...config.limits } };
  if (p.dialect !== undefined) {
    if (p.dialect !== 'modern' && p.dialect !== 'legacy') throw new TypeError(`'dialect' must be "modern" or "legacy"`);
    next.dialect = p.dialect;
  }
  if (p.limits !== undefined) {
    if (typeof p.limits !== 'object' || p.limits === null) throw new TypeError(`'limits' must be an object`);
    for (const [key, value] of Object.entries(p.limits)) {
      if (!(key in DEFAULT_SANDBOX_LIMITS)) throw new TypeError(`unknown limit '${key}'`);
      if (value === undefined) continue;
      next.limits[key as keyof SandboxLimits] = positiveInteger(`limits.${key}`, value);
    }
  }
  if (p.latency !== undefined) {
    if (p.latency === null) next.latency = null;
    else {
      if (typeof p.latency !== 'object') throw new TypeError(`'latency' must be {"minMs", "maxMs"} or null`);
      const { minMs, maxMs } = p.latency as { minMs?: unknown; maxMs?: unknown };
      const min = nonNegativeInteger('latency.minMs', minMs);
      const max = maxMs === undefined ? min : nonNegativeInteger('latency.maxMs', maxMs);
      if (max < min) throw new TypeError(`'latency.maxMs' must not be below 'latency.minMs'`);
      next.latency = { minMs: min, maxMs: max };
    }
  }
  if (p.tokenIdleMs !== undefined) next.tokenIdleMs = nonNegativeInteger('tokenIdleMs', p.tokenIdleMs);
  if (p.tokenLifetimeMs !== undefined) next.tokenLifetimeMs = nonNegativeInteger('tokenLifetimeMs', p.tokenLifetimeMs);
  if (p.ignoreModifiedFilter !== undefined) next.ignoreModifiedFilter = boolean('ignoreModifiedFilter', p.ignoreModifiedFilter);
  if (p.shapes !== undefined) {
    if (p.shapes !== 'sandbox' && p.shapes !== 'documented') throw new TypeError(`'shapes' must be "sandbox" or "documented"`);
    next.shapes = p.shapes;
  }
  if (p.refuseChangeLog !== undefined) next.refuseChangeLog = boolean('refuseChangeLog', p.refuseChangeLog);
  return next;
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`'${name}' must be true or false`);
  return value;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new TypeError(`'${name}' must be a positive integer`);
  return value;
}

function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new TypeError(`'${name}' must be a non-negative integer`);
  return value;
}

