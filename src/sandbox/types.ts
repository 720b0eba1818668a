/**
 * The public types of the sandbox: options, the control surface, the request log and the state format.
 * Everything here is plain JSON so that the HTTP control endpoint and the in-process control object can
 * hand out exactly the same values.
 */

export type Dialect = 'modern' | 'legacy';

/**
 * `sandbox`: the shapes of xandr-api.md Part A (plural keys for every GET, the object after POST and PUT,
 * dbg_info everywhere). `documented`: the different shapes Xandr's own articles show (docs/sandbox.md).
 */
export type AnswerShapes = 'sandbox' | 'documented';

export type JsonObject = Record<string, unknown>;

/**
 * Where the sandbox gets its time. `test/helpers/fake-clock.ts`'s FakeClock fits it, so tests move time by
 * hand; the default is the system clock.
 */
export interface SandboxClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface SandboxUser {
  username: string;
  password: string;
  /** The member the user belongs to; default 958. */
  memberId?: number;
  /** Xandr's user id: in tokens and the change log. Default 1001, 1002, ... in the order of the users. */
  userId?: number;
  /** The name the change log shows for the user's writes (`user_full_name`); default the username. */
  fullName?: string;
}

export interface SandboxLimits {
  /** GET requests per user per window. */
  reads: number;
  /** POST, PUT and DELETE requests per user per window. */
  writes: number;
  windowMs: number;
  /** Requests one user may have in flight at once; the next one gets CONCURRENCY_EXCEEDED. */
  maxInFlight: number;
  /** Successful logins per user per login window; the next one gets NOAUTH. */
  logins: number;
  loginWindowMs: number;
}

export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** The settings that can change while the sandbox runs (`PUT /__sandbox/config`). */
export interface SandboxConfig {
  dialect: Dialect;
  limits: SandboxLimits;
  latency: LatencyRange | null;
  /** A token expires this long after its last use (sliding; 0 expires every token at once). */
  tokenIdleMs: number;
  /** A token expires this long after its login, however recently it was used. */
  tokenLifetimeMs: number;
  /**
   * Silently ignore `min_`/`max_`/`nmin_`/`nmax_last_modified` on GET, as a Xandr service that does not
   * support the filter would, so that clients can test their fallback.
   */
  ignoreModifiedFilter: boolean;
  /**
   * Answer `/change-log` and `/change-log-detail` with UNAUTH, as Xandr does for user types that may not
   * call them (only member, advertiser and member_advertiser users may), so that clients can test failing soft.
   */
  refuseChangeLog: boolean;
  shapes: AnswerShapes;
}

export interface SandboxConfigPatch {
  dialect?: Dialect;
  shapes?: AnswerShapes;
  limits?: Partial<SandboxLimits>;
  latency?: LatencyRange | null;
  tokenIdleMs?: number;
  tokenLifetimeMs?: number;
  ignoreModifiedFilter?: boolean;
  refuseChangeLog?: boolean;
}

export type FaultAction = 'error' | 'reset' | 'lose' | 'throttle' | 'delay';

export interface FaultRule {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | '*';
  /** Prefix of the request path. Absent: every API path except `/auth`, which matches only a rule that names it. */
  path?: string;
  action: FaultAction;
  /** For `error`: the HTTP status, default 503 (or the modern dialect's status for `errorId`). */
  status?: number;
  /**
   * For `error`: Xandr's error_id to answer with. Default SYSTEM/SERVICE_UNAVAILABLE (retryable); SYNTAX,
   * INTEGRITY, LIMIT or UNAUTH make a refusal a client must not retry.
   */
  errorId?: 'SYSTEM' | 'SYNTAX' | 'INTEGRITY' | 'LIMIT' | 'UNAUTH';
  /** For `error`: put the request's token in the error text, as a careless server might (leak tests). */
  echoToken?: boolean;
  /** For `throttle`: the Retry-After header in seconds, default 1. */
  retryAfter?: number;
  /** For `delay`: how long to hold the request before processing it. */
  delayMs?: number;
  /** Fire for the next `count` matching requests, then the rule is spent. Absent: no limit. */
  count?: number;
  /** Let the first `skip` matching requests through before firing. */
  skip?: number;
  /** Probability (0..1) of firing for each matching request, drawn from the seeded PRNG. */
  rate?: number;
}

/** A rule as `GET /__sandbox/faults` reports it. */
export interface FaultRuleStatus extends FaultRule {
  /** Firings left before the rule is spent; null = unlimited. */
  remaining: number | null;
  /** Matching requests still to be let through before the rule fires. */
  skipRemaining: number;
  /** How many times the rule has fired. */
  hits: number;
}

export interface FaultsView {
  seed: number;
  rules: FaultRuleStatus[];
}

/** Why a request was not served normally. `delay` marks a request held by a delay rule (then served). */
export type FaultKind = 'reset' | 'lose' | 'error' | 'throttle' | 'concurrency' | 'delay';

export interface RequestLogEntry {
  seq: number;
  /** Arrival time, epoch ms. */
  at: number;
  method: string;
  /** The path without the query string, e.g. "/segment". */
  path: string;
  query: Record<string, string>;
  /** The parsed request body (with any password replaced by "***"), or null. */
  body: unknown;
  /** The HTTP status sent, or null while in progress or when the connection was dropped. */
  status: number | null;
  error_id?: string;
  error_code?: string;
  user?: string;
  fault?: FaultKind;
  /** True when the request reached the service: it read state, or was a write that the service handled. */
  processed: boolean;
}

export interface SandboxStats {
  /** GET requests that reached a service. */
  reads: number;
  /** POST/PUT/DELETE requests that reached a service. */
  writes: number;
  /** Successful logins. */
  logins: number;
  /** 429 answers (rate limit or injected throttle). */
  throttled: number;
  /** CONCURRENCY_EXCEEDED answers. */
  concurrency: number;
  /** Connections dropped by `reset` or `lose` faults. */
  dropped: number;
  /** HTTP statuses sent for API requests. */
  byStatus: Record<string, number>;
}

export interface LineItemPixel {
  id: number;
  state: 'active' | 'inactive';
  post_click_revenue: number | null;
  post_view_revenue: number | null;
}

/** Stored records: Xandr's field names, canonical types (numbers for ids and money). */
export interface MemberRecord extends JsonObject {
  id: number;
  name: string;
  state: string;
  bidder_id?: number;
}

export interface AdvertiserRecord extends JsonObject {
  id: number;
  member_id: number;
  name: string;
  code: string | null;
  state: string;
}

export interface SegmentRecord extends JsonObject {
  id: number;
  member_id: number;
  advertiser_id: number | null;
  code: string | null;
  short_name: string;
}

export interface PixelRecord extends JsonObject {
  id: number;
  member_id: number;
  advertiser_id: number;
  code: string | null;
  name: string;
}

export interface LineItemRecord extends JsonObject {
  id: number;
  member_id: number;
  advertiser_id: number;
  code: string | null;
  name: string;
  line_item_type: string;
  revenue_type: string;
  pixels: LineItemPixel[] | null;
}

/** One segment a profile targets, as stored (`code`, `name` and `deleted` are filled from the segment on output). */
export interface ProfileSegment {
  id: number;
  action: 'include' | 'exclude';
  start_minutes: number | null;
  expire_minutes: number | null;
  other_equals: string | number | null;
  other_less: number | null;
  other_greater: number | null;
  other_in_list: (string | number)[] | null;
}

export interface ProfileSegmentGroup {
  boolean_operator: 'and' | 'or';
  segments: ProfileSegment[];
}

export interface ProfileRecord extends JsonObject {
  id: number;
  member_id: number;
  advertiser_id: number;
  code: string | null;
  segment_boolean_operator: 'and' | 'or';
  segment_targets: ProfileSegment[] | null;
  segment_group_targets: ProfileSegmentGroup[] | null;
  is_archived: boolean;
}

/** The services whose writes the change log records. */
export type LoggedService = 'segment' | 'pixel' | 'line-item' | 'profile';

/** One field of a change-log transaction (change-log-services.md "changes object"). */
export interface FieldChange {
  field_name: string;
  old_value: unknown;
  new_value: unknown;
  changed: boolean;
}

/** Who made a change, as the change log names them. */
export interface ChangeAuthor {
  user_id: number;
  user_full_name: string;
  /** `direct` for the API; `hbui` (the console), `LIAA-allocation`, `bmwBulkEdit`, `LIAA-blkupld`, `bmwInlineEdit`, `LIAA-dup`. */
  request_source: string;
}

/** One recorded write (change-log-services.md), as stored; `/change-log` and `/change-log-detail` show parts of it. */
export interface ChangeLogTransaction extends ChangeAuthor {
  /** A UUID (typed int in the docs, a UUID string in their examples). */
  transaction_id: string;
  service: LoggedService;
  resource_id: number;
  member_id: number;
  created_on: string;
  method: 'POST' | 'PUT' | 'DELETE';
  /** The URL of the request; null for a control upsert. */
  url: string | null;
  /** The authentication token the request used, as Xandr records it. */
  session_id: string | null;
  client_ip: string | null;
  ip_info: string | null;
  changes: FieldChange[];
  num_of_changes: number;
  /** The object before the change (for a POST: the object as sent), as JSON text. */
  raw_json: string;
  /** The object after the change (for a DELETE: before it), as JSON text. */
  object_json: string;
}

/** The whole state: what `GET /__sandbox/state` returns and what the state file holds. */
export interface SandboxState {
  format: 'xandr-sync-sandbox';
  /** 2 added profiles and the change log; version 1 files are still read (as having neither). */
  version: 2;
  /** The next id each service hands out. */
  sequences: { segment: number; pixel: number; lineItem: number; profile: number };
  members: MemberRecord[];
  advertisers: AdvertiserRecord[];
  segments: SegmentRecord[];
  pixels: PixelRecord[];
  lineItems: LineItemRecord[];
  profiles: ProfileRecord[];
  /** Oldest first. */
  changeLog: ChangeLogTransaction[];
}

/** Raw objects for `POST /__sandbox/objects`: upserted by id, without validation. */
export interface SandboxObjects {
  /** Who made these changes, for the change log; default the console user "Sandbox Console User" (2001, `hbui`). */
  by?: Partial<ChangeAuthor>;
  advertisers?: JsonObject[];
  segments?: JsonObject[];
  pixels?: JsonObject[];
  lineItems?: JsonObject[];
  profiles?: JsonObject[];
}

export interface UpsertResult {
  advertisers: number;
  segments: number;
  pixels: number;
  lineItems: number;
  profiles: number;
}

/** The in-process twin of the `/__sandbox/` control endpoint. */
export interface SandboxControl {
  log(sinceSeq?: number): RequestLogEntry[];
  clearLog(): void;
  /** Fresh (or empty) state; clears the log, counters, tokens and faults. */
  reset(): Promise<void>;
  config(): SandboxConfig;
  configure(patch: SandboxConfigPatch): SandboxConfig;
  faults(): FaultsView;
  setFaults(rules: FaultRule[], seed?: number): FaultsView;
  /** Every current token becomes invalid. Returns how many there were. */
  expireTokens(): number;
  snapshot(): SandboxState;
  load(state: SandboxState): Promise<void>;
  upsert(objects: SandboxObjects): Promise<UpsertResult>;
  stats(): SandboxStats;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** JSON state file, loaded at start and written atomically after every write; absent = memory only. */
  statePath?: string;
  dialect?: Dialect;
  users?: SandboxUser[];
  limits?: Partial<SandboxLimits>;
  tokenIdleMs?: number;
  tokenLifetimeMs?: number;
  ignoreModifiedFilter?: boolean;
  refuseChangeLog?: boolean;
  shapes?: AnswerShapes;
  latency?: LatencyRange;
  faults?: FaultRule[];
  seed?: number;
  /** Start with only the members (no advertisers, line items, pixels or segments). */
  empty?: boolean;
  /** The time source; default the system clock. */
  clock?: SandboxClock;
}

export interface Sandbox {
  url: string;
  port: number;
  control: SandboxControl;
  /** Stops listening, destroys open sockets, and waits for the state file to be written. */
  close(): Promise<void>;
}
