import type { PlanError } from './types.js';

/**
 * `--target` / `--exclude`: plan (and apply) a subset of the actions, by address.
 *
 * Patterns are matched against the whole address, ignoring case (names are compared ignoring case
 * everywhere else too). `*` matches any run of characters, `/` included, so `ConversionPixel/*` also
 * covers `ConversionPixel/1234/purchase`; `?` matches one character; a pattern without `/` names a
 * kind (`Segment` is short for `Segment/*`). Nothing else is special. The steps of one manifest's change
 * (`LineItemSegments/x#profile_id`) go with it.
 *
 * The rules, as in Terraform's `-target`:
 * - With targets, the plan keeps the targeted actions and, transitively, the actions they depend on (a
 *   binding needs the create of the pixel it attaches; a pixel delete needs its detach). Each action
 *   pulled in that way is named in a warning.
 * - `--exclude` wins over `--target`. An action whose dependency is excluded cannot run, so it is left
 *   out too (and what depends on it, transitively), with a warning naming the reason; when the action was
 *   itself named by `--target`, the request contradicts itself and the plan gets an error instead.
 * - A pattern that matches no action gets a warning (a typo otherwise looks like "no changes").
 */
export interface Selection {
  targets: string[];
  excludes: string[];
}

interface Selectable {
  address: string;
  depends_on: string[];
}

function isEmptySelection(selection: Selection | undefined): boolean {
  return !selection || (selection.targets.length === 0 && selection.excludes.length === 0);
}

const cache = new Map<string, RegExp>();

/** The pattern as a case-insensitive regular expression over a whole address. */
function addressPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const full = pattern.includes('/') ? pattern : `${pattern}/*`;
  const body = [...full].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  re = new RegExp(`^${body}$`, 'i');
  cache.set(pattern, re);
  return re;
}

/**
 * A step of a manifest's change that needs a write of its own (`LineItemSegments/x#profile_id`) is selected
 * with the manifest: `#` cannot occur in a manifest name, so the part before it is the manifest's address.
 */
export function matchesAddress(pattern: string, address: string): boolean {
  const re = addressPattern(pattern);
  if (re.test(address)) return true;
  const step = address.indexOf('#');
  return step > 0 && re.test(address.slice(0, step));
}

export function matchesAny(patterns: readonly string[], address: string): boolean {
  return patterns.some((p) => matchesAddress(p, address));
}

/**
 * The addresses `start` names and, transitively, every action they depend on; `pulledBy` says which address
 * needed each one that was not in `start` first (for the warning that names it).
 */
export function withDependencies(byAddress: ReadonlyMap<string, Selectable>, start: Iterable<string>): { needed: Set<string>; pulledBy: Map<string, string> } {
  const needed = new Set(start);
  const pulledBy = new Map<string, string>();
  const queue = [...needed];
  while (queue.length) {
    const address = queue.shift()!;
    for (const dep of byAddress.get(address)!.depends_on) {
      if (!byAddress.has(dep) || needed.has(dep)) continue;
      needed.add(dep);
      pulledBy.set(dep, address);
      queue.push(dep);
    }
  }
  return { needed, pulledBy };
}

interface SelectionResult<T> {
  kept: T[];
  warnings: string[];
  errors: PlanError[];
}

/** Pure: which of `actions` a selection keeps, in their original order, with the reasons as data. */
export function selectActions<T extends Selectable>(actions: readonly T[], selection: Selection | undefined): SelectionResult<T> {
  if (!selection || isEmptySelection(selection)) return { kept: [...actions], warnings: [], errors: [] };
  const { targets, excludes } = selection;
  const warnings: string[] = [];
  const errors: PlanError[] = [];
  const byAddress = new Map(actions.map((a) => [a.address, a]));

  for (const [flag, patterns] of [['--target', targets], ['--exclude', excludes]] as const) {
    for (const pattern of patterns) {
      if (!actions.some((a) => matchesAddress(pattern, a.address))) warnings.push(`${flag} ${pattern} matches no change in this plan`);
    }
  }

  const targeted = new Set(targets.length ? actions.filter((a) => matchesAny(targets, a.address)).map((a) => a.address) : actions.map((a) => a.address));
  const { needed, pulledBy } = withDependencies(byAddress, targeted);

  // Excluded actions, then (until nothing changes) whatever depends on something left out.
  const out = new Map<string, string>();
  for (const address of needed) if (matchesAny(excludes, address)) out.set(address, 'excluded');
  for (let changed = true; changed; ) {
    changed = false;
    for (const address of needed) {
      if (out.has(address)) continue;
      const blocker = byAddress.get(address)!.depends_on.find((dep) => out.has(dep));
      if (blocker === undefined) continue;
      out.set(address, blocker);
      changed = true;
    }
  }

  for (const [address, blocker] of out) {
    if (blocker === 'excluded') continue;
    const why = out.get(blocker) === 'excluded' ? `--exclude leaves out ${blocker}` : `${blocker} is left out`;
    if (targets.length && targeted.has(address)) {
      errors.push({ code: 'excluded-dependency', message: `--target selects ${address}, but it depends on ${blocker} and ${why}; drop one of the two flags`, address });
    } else {
      warnings.push(`${address} is left out: it depends on ${blocker}, and ${why}`);
    }
  }
  const kept = actions.filter((a) => needed.has(a.address) && !out.has(a.address));
  for (const action of kept) {
    const by = pulledBy.get(action.address);
    if (by !== undefined) warnings.push(`${action.address} is included although not targeted: ${by} depends on it`);
  }
  const flags = [...targets.map((t) => `--target ${t}`), ...excludes.map((e) => `--exclude ${e}`)].join(' ');
  warnings.unshift(
    `partial plan (${flags}): ${kept.length} of ${actions.length} change${actions.length === 1 ? '' : 's'}. The rest of the manifests is not applied; run a full plan before relying on Xandr matching them`,
  );
  return { kept, warnings, errors };
}
