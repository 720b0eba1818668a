import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { ProjectConfig } from '../manifest/types.js';
import type { Target } from '../plan/types.js';
import { DEFAULT_API_URL, XandrClient, type BudgetLimits, type ClientEvent } from '../xandr/index.js';
import { FileError, fsReason, SandboxStartError, UntrustedApiUrlError, UsageError } from './cli-errors.js';
import type { CommandIO } from './io.js';
import { redactor } from './redact.js';
import { chainTokenStores, fileTokenStore, sharedToken } from './token-cache.js';

const DEFAULT_SANDBOX_STATE = '.xandr-sync/sandbox.json';

interface ConnectOptions {
  /** --api-url */
  apiUrl?: string;
  /** --sandbox (true) or --sandbox=FILE */
  sandbox?: string | boolean;
  config: ProjectConfig;
  onEvent?: (event: ClientEvent) => void;
  /** The manifest tree: the token cache is never kept inside it. */
  manifestRoot?: string;
}

export interface Connection {
  client: XandrClient;
  /** The target without the member (known once the member has been read). */
  target: Omit<Target, 'member_id'>;
  budget: BudgetLimits;
  /** Identifies the target across processes, for the apply lock (absolute for the embedded sandbox). */
  lockKey: string;
  /** Another listener for the client's events, from now on (null to stop): the apply's progress. */
  observe(listener: ((event: ClientEvent) => void) | null): void;
  close(): Promise<void>;
}

/** The emulator's published default user (docs/sandbox.md). */
const SANDBOX_PASSWORD = 'sandbox';

/** The embedded sandbox runs without throttling: it is a demo and test target, not a model of limits. */
const EMBEDDED_LIMIT = 100_000;

/**
 * Where commands connect (DESIGN.md section 4): the API named by --api-url / XANDR_API_URL /
 * xandr-sync.yaml with XANDR_USERNAME and XANDR_PASSWORD (or XANDR_PASSWORD_FILE), or, with no
 * credentials at all, an embedded sandbox whose state lives in .xandr-sync/sandbox.json.
 */
export async function connect(io: CommandIO, options: ConnectOptions): Promise<Connection> {
  const env = io.env;
  let listener: ((event: ClientEvent) => void) | null = null;
  const onEvent = (event: ClientEvent) => {
    options.onEvent?.(event);
    listener?.(event);
  };
  const observe = (next: ((event: ClientEvent) => void) | null) => {
    listener = next;
  };
  const username = env.XANDR_USERNAME;
  const password = readPassword(io);
  const shared = sharedToken(env, io.cwd);
  const apiUrl = options.apiUrl ?? env.XANDR_API_URL;
  const useSandbox = options.sandbox !== undefined && options.sandbox !== false;

  if (useSandbox || (!username && !password && !apiUrl && !shared)) {
    if (useSandbox && options.apiUrl) throw new UsageError('--sandbox and --api-url cannot be used together');
    const statePath = resolve(io.cwd, typeof options.sandbox === 'string' ? options.sandbox : DEFAULT_SANDBOX_STATE);
    const firstUse = !existsSync(statePath);
    ensureWorkDir(dirname(statePath));
    const { startSandbox } = await import('../sandbox/index.js');
    const shown = relative(io.cwd, statePath) || statePath;
    const sandbox = await startSandbox({ statePath, limits: { reads: EMBEDDED_LIMIT, writes: EMBEDDED_LIMIT } }).catch((error: unknown) => {
      throw new SandboxStartError(`the embedded sandbox did not start (state ${shown}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    // Why the sandbox is used is said once, when its state is made; later runs name it only.
    io.stderr.write(
      useSandbox || !firstUse
        ? `Using the embedded sandbox (state in ${shown}).\n`
        : `No Xandr credentials set (XANDR_USERNAME, XANDR_PASSWORD): using the embedded sandbox, state in ${shown}.\n`,
    );
    const budget: BudgetLimits = { readsPerMinute: EMBEDDED_LIMIT, writesPerMinute: EMBEDDED_LIMIT, maxInFlight: 15, windowMs: 60_000 };
    const client = new XandrClient({
      clock: io.clock,
      apiUrl: sandbox.url,
      credentials: { username: 'sandbox', password: SANDBOX_PASSWORD },
      budget,
      onEvent,
      onSecret: (secret) => redactor.add(secret),
    });
    return {
      client,
      target: { kind: 'sandbox', api_url: `sandbox:${shown.split('\\').join('/')}` },
      budget,
      lockKey: `sandbox:${statePath}`,
      observe,
      close: async () => {
        await client.close();
        await sandbox.close();
      },
    };
  }

  if ((!username || !password) && !(shared && !username && !password)) {
    throw new UsageError(
      `${apiUrl ? 'an API URL is set, but ' : ''}credentials are incomplete: set XANDR_USERNAME and XANDR_PASSWORD (or XANDR_PASSWORD_FILE), or share a token with XANDR_TOKEN`,
    );
  }
  redactor.add(password);
  redactor.add(username);
  redactor.add(shared);
  const url = operatorApiUrl(io, options.apiUrl);
  checkRepositoryApiUrl(options.config, url);
  const cache = username
    ? fileTokenStore({ env, apiUrl: url, username, clock: io.clock, manifestRoot: options.manifestRoot, warn: (text) => io.stderr.write(`warning: ${text}\n`) })
    : null;
  const rate = options.config.rate;
  const client = new XandrClient({
    clock: io.clock,
    apiUrl: url,
    credentials: username && password ? { username, password } : null,
    tokenStore: chainTokenStores(shared, cache),
    budget: { readsPerMinute: rate.reads_per_minute, writesPerMinute: rate.writes_per_minute, maxInFlight: rate.max_in_flight },
    onEvent,
    onSecret: (secret) => redactor.add(secret),
  });
  return {
    client,
    target: { kind: 'xandr', api_url: url.replace(/\/+$/, '') },
    budget: client.budget.limits,
    lockKey: url.replace(/\/+$/, ''),
    observe,
    close: async () => {
      cache?.flush();
      await client.close();
    },
  };
}

/**
 * Where this run sends credentials: null for the embedded sandbox (nothing leaves the process), else the
 * operator's API URL. The manifest loader checks the repository's `api_url` against it (`untrusted-api-url`).
 */
export function credentialDestination(io: CommandIO, options: { apiUrl?: string; sandbox?: string | boolean }): string | null {
  const useSandbox = options.sandbox !== undefined && options.sandbox !== false;
  const env = io.env;
  const anyCredential = env.XANDR_USERNAME || env.XANDR_PASSWORD || env.XANDR_PASSWORD_FILE || env.XANDR_TOKEN || env.XANDR_TOKEN_FILE;
  if (useSandbox || (!anyCredential && !options.apiUrl && !env.XANDR_API_URL)) return null;
  return operatorApiUrl(io, options.apiUrl);
}

/**
 * Where credentials may go is the operator's decision, never the repository's: `--api-url`, then
 * `XANDR_API_URL`, then Xandr's own API. A pull request can add anything to xandr-sync.yaml.
 */
export function operatorApiUrl(io: CommandIO, flag: string | undefined): string {
  return flag ?? io.env.XANDR_API_URL ?? DEFAULT_API_URL;
}

/**
 * The project file may name the API only to say the same as the operator (documentation, a check); any
 * other `api_url` would send the credentials to whoever wrote it, so it stops the command before any
 * connection is made.
 */
function checkRepositoryApiUrl(config: ProjectConfig, operatorUrl: string): void {
  if (config.api_url === undefined || sameApi(config.api_url, operatorUrl)) return;
  throw new UntrustedApiUrlError(
    `${config.file ?? 'xandr-sync.yaml'} sets api_url ${config.api_url}, but this run sends credentials to ${operatorUrl} (--api-url, XANDR_API_URL or the default): the repository cannot choose where credentials go. Remove api_url from the project file, or give the same URL with --api-url or XANDR_API_URL`,
  );
}

function sameApi(a: string, b: string): boolean {
  const normal = (text: string) => {
    try {
      const url = new URL(text);
      return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return text;
    }
  };
  return normal(a) === normal(b);
}

/**
 * Creates a directory xandr-sync keeps its own files in; `.xandr-sync/` (in the user's repository, as often
 * as not) gets a `.gitignore` that ignores everything in it, so nothing of it is ever committed.
 */
export function ensureWorkDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const top = basename(dir) === WORK_DIR ? dir : basename(dirname(dir)) === WORK_DIR ? dirname(dir) : null;
  const ignore = top ? join(top, '.gitignore') : null;
  if (ignore && !existsSync(ignore)) writeFileSync(ignore, '# Written by xandr-sync: its sandbox state, repository caches and locks are never committed.\n*\n');
}

const WORK_DIR = '.xandr-sync';

function readPassword(io: CommandIO): string | undefined {
  if (io.env.XANDR_PASSWORD) return io.env.XANDR_PASSWORD;
  const file = io.env.XANDR_PASSWORD_FILE;
  if (!file) return undefined;
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new FileError(`cannot read XANDR_PASSWORD_FILE ${file}: ${fsReason(error)}`);
  }
}
