/**
 * One sandbox's state and machinery, and the control surface over it. The HTTP server and the
 * `/__sandbox/` endpoint both drive this object, so in-process control and HTTP control are the same code.
 */
import { Auth, DEFAULT_USERS, type TokenTimes } from './auth.js';
import { readAuthor, recordUpsert } from './change-log-recorder.js';
import { ListingCache } from './listing-cache.js';
import { defaultConfig, patchConfig } from './settings.js';
import { Faults } from './faults.js';
import { RateLimiter } from './limits.js';
import { currentState, readStateFile, StateFile, stateProblem, type StoredState } from './persistence.js';
import { Prng } from './random.js';
import { RequestLog } from './request-log.js';
import { emptyState, freshState, membersFor } from './seed.js';
import { Store } from './store.js';
import { systemClock } from './system-clock.js';
import type {
  FaultRule,
  FaultsView,
  RequestLogEntry,
  SandboxConfig,
  SandboxConfigPatch,
  SandboxControl,
  SandboxObjects,
  SandboxOptions,
  SandboxState,
  SandboxStats,
  SandboxClock,
  SandboxUser,
  UpsertResult,
} from './types.js';

export class SandboxCore implements SandboxControl {
  readonly store = new Store();
  /** Matching rows of recent listings, valid for the store version they were read at (listing.ts). */
  readonly listings = new ListingCache();
  readonly auth: Auth;
  readonly limiter = new RateLimiter();
  readonly prng: Prng;
  readonly faultRules: Faults;
  readonly requests = new RequestLog();
  readonly clock: SandboxClock;
  /** The live settings (read by every request; replaced, never mutated, by configure). */
  settings: SandboxConfig;
  private readonly users: SandboxUser[];
  private readonly stateFile: StateFile | null;
  /** What the sandbox started with; reset returns to it. */
  private readonly startConfig: SandboxConfig;
  private readonly startSeed: number;

  constructor(private readonly options: SandboxOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.users = options.users?.length ? options.users : DEFAULT_USERS;
    this.auth = new Auth(this.users);
    this.startConfig = patchConfig(defaultConfig(), {
      ...(options.dialect !== undefined && { dialect: options.dialect }),
      ...(options.limits !== undefined && { limits: options.limits }),
      ...(options.latency !== undefined && { latency: options.latency }),
      ...(options.tokenIdleMs !== undefined && { tokenIdleMs: options.tokenIdleMs }),
      ...(options.tokenLifetimeMs !== undefined && { tokenLifetimeMs: options.tokenLifetimeMs }),
      ...(options.ignoreModifiedFilter !== undefined && { ignoreModifiedFilter: options.ignoreModifiedFilter }),
      ...(options.refuseChangeLog !== undefined && { refuseChangeLog: options.refuseChangeLog }),
      ...(options.shapes !== undefined && { shapes: options.shapes }),
    });
    this.settings = this.startConfig;
    this.startSeed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.prng = new Prng(this.startSeed);
    this.faultRules = new Faults(this.prng);
    this.faultRules.set(options.faults ?? []);
    const saved = options.statePath ? readStateFile(options.statePath) : null;
    this.loadState(saved ?? this.initialState());
    this.stateFile = options.statePath ? new StateFile(options.statePath, () => this.store.serialize()) : null;
  }

  tokenTimes(): TokenTimes {
    return { idleMs: this.settings.tokenIdleMs, lifetimeMs: this.settings.tokenLifetimeMs };
  }

  /** Writes the state file (if any); the server awaits it before acknowledging a write. */
  persist(): Promise<void> {
    return this.stateFile?.save() ?? Promise.resolve();
  }

  flush(): Promise<void> {
    return this.stateFile?.flush() ?? Promise.resolve();
  }

  log(sinceSeq?: number): RequestLogEntry[] {
    return this.requests.list(sinceSeq);
  }

  clearLog(): void {
    this.requests.clear();
  }

  /**
   * Back to how the sandbox started: fresh (or empty) state, the start options' config and fault rules
   * (none unless given at start) with the PRNG reseeded; log, counters, tokens and rate windows cleared.
   * Restoring the config too means one test's `configure` cannot leak into the next.
   */
  async reset(): Promise<void> {
    this.loadState(this.initialState());
    this.listings.clear();
    this.requests.reset();
    this.limiter.clear();
    this.auth.clear();
    this.settings = this.startConfig;
    this.faultRules.set(this.options.faults ?? [], this.startSeed);
    await this.persist();
  }

  config(): SandboxConfig {
    return structuredClone(this.settings);
  }

  configure(patch: SandboxConfigPatch): SandboxConfig {
    this.settings = patchConfig(this.settings, patch);
    return this.config();
  }

  faults(): FaultsView {
    return this.faultRules.view();
  }

  setFaults(rules: FaultRule[], seed?: number): FaultsView {
    if (!Array.isArray(rules)) throw new TypeError(`'rules' must be an array`);
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed))) throw new TypeError(`'seed' must be an integer`);
    this.faultRules.set(rules, seed);
    return this.faults();
  }

  expireTokens(): number {
    return this.auth.expireAll();
  }

  snapshot(): SandboxState {
    return this.store.snapshot();
  }

  async load(state: SandboxState): Promise<void> {
    const problem = stateProblem(state);
    if (problem) throw new TypeError(`not a sandbox state: ${problem}`);
    this.loadState(currentState(state as unknown as StoredState));
    await this.persist();
  }

  async upsert(objects: SandboxObjects): Promise<UpsertResult> {
    if (typeof objects !== 'object' || objects === null || Array.isArray(objects)) throw new TypeError('objects must be a JSON object');
    const { by, ...lists } = objects;
    const author = readAuthor(by);
    for (const [key, list] of Object.entries(lists)) {
      if (!['advertisers', 'segments', 'pixels', 'lineItems', 'profiles'].includes(key)) {
        throw new TypeError(`unknown object list '${key}' (expected advertisers, segments, pixels, lineItems, profiles)`);
      }
      if (!Array.isArray(list)) throw new TypeError(`'${key}' must be an array`);
    }
    const now = this.clock.now();
    const { result, changes } = this.store.upsert(lists, now);
    recordUpsert(this.store, changes, author, now);
    await this.persist();
    return result;
  }

  stats(): SandboxStats {
    return this.requests.stats();
  }

  private initialState(): SandboxState {
    return this.options.empty ? emptyState(this.users) : freshState(this.users);
  }

  /** Loads a state and makes sure every user's member exists in it. */
  private loadState(state: SandboxState): void {
    this.store.load(state);
    for (const member of membersFor(this.users)) {
      if (!this.store.members.has(member.id)) this.store.members.set(member.id, member);
    }
  }
}
