/**
 * Turns writes into change-log transactions (change-log-services.md): an API write as the logged-in user with
 * `request_source: "direct"`, the token it used as `session_id` (real Xandr records the authentication token
 * there, which is why clients must never show it) and the peer address as `client_ip`; a control upsert as a
 * named console person with only the fields that actually changed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { MAX_CHANGE_LOG } from './change-log.js';
import { changedFields, requestFieldChanges } from './field-changes.js';
import { formatTimestamp } from './fields.js';
import type { WriteChange } from './service-handler.js';
import type { Store, UpsertChange } from './store.js';
import type { ChangeAuthor, ChangeLogTransaction, FieldChange, JsonObject } from './types.js';

/** change-log-services.md `request_source`. */
const REQUEST_SOURCES = ['hbui', 'direct', 'LIAA-allocation', 'bmwBulkEdit', 'LIAA-blkupld', 'bmwInlineEdit', 'LIAA-dup'] as const;

/** Who a control upsert is recorded as when its body names nobody. */
const DEFAULT_CONSOLE_AUTHOR: ChangeAuthor = { user_id: 2001, user_full_name: 'Sandbox Console User', request_source: 'hbui' };

export interface ApiWriteContext {
  author: ChangeAuthor;
  memberId: number;
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  sessionId: string | null;
  clientIp: string | null;
  /** The proxy chain (X-Forwarded-For, then the peer), or the peer alone. */
  ipInfo: string | null;
  now: number;
}

/** Records one API write. */
export function recordApiWrite(store: Store, change: WriteChange, context: ApiWriteContext): void {
  const changes = requestFieldChanges(change.before, change.after, Object.keys(change.sent ?? {}));
  const key = change.service;
  store.changeLog.record(
    transaction(change.service, change.resourceId, context.memberId, changes, {
      author: context.author,
      method: context.method,
      url: context.url,
      session_id: context.sessionId,
      client_ip: context.clientIp,
      ip_info: context.ipInfo,
      now: context.now,
      raw: { [key]: change.before ?? change.sent },
      object: change.after ?? change.before,
    }),
  );
}

/** A checked `by` of an upsert body, with the console user's defaults for what it leaves out. */
export function readAuthor(value: unknown): ChangeAuthor {
  if (value === undefined) return { ...DEFAULT_CONSOLE_AUTHOR };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`'by' must be an object like {"user_full_name", "user_id", "request_source"}`);
  const by = value as Record<string, unknown>;
  for (const key of Object.keys(by)) {
    if (!['user_full_name', 'user_id', 'request_source'].includes(key)) throw new TypeError(`unknown key 'by.${key}' (expected user_full_name, user_id, request_source)`);
  }
  const author = { ...DEFAULT_CONSOLE_AUTHOR };
  if (by.user_full_name !== undefined) {
    if (typeof by.user_full_name !== 'string' || by.user_full_name.trim() === '') throw new TypeError(`'by.user_full_name' must be a non-empty string`);
    author.user_full_name = by.user_full_name;
  }
  if (by.user_id !== undefined) {
    if (typeof by.user_id !== 'number' || !Number.isSafeInteger(by.user_id) || by.user_id <= 0) throw new TypeError(`'by.user_id' must be a positive integer`);
    author.user_id = by.user_id;
  }
  if (by.request_source !== undefined) {
    if (!(REQUEST_SOURCES as readonly unknown[]).includes(by.request_source)) throw new TypeError(`'by.request_source' must be one of ${REQUEST_SOURCES.join(', ')}`);
    author.request_source = by.request_source as string;
  }
  return author;
}

/**
 * Records the changes of one control upsert as `author`, each with only the fields that changed. The
 * console session gets a token of its own (a fresh one per upsert), as a console user's would be.
 */
export function recordUpsert(store: Store, changes: UpsertChange[], author: ChangeAuthor, now: number): void {
  const sessionId = `authn:${author.user_id}:${randomBytes(8).toString('hex')}:console`;
  // The log keeps only the newest transactions: a bulk seed need not build the ones it would drop.
  for (const change of changes.slice(-MAX_CHANGE_LOG)) {
    const id = Number(change.after.id);
    store.changeLog.record(
      transaction(change.service, id, Number(change.after.member_id), changedFields(change.before, change.after), {
        author,
        method: change.before ? 'PUT' : 'POST',
        url: null,
        session_id: sessionId,
        client_ip: null,
        ip_info: null,
        now,
        raw: { [change.service]: change.before ?? change.after },
        object: change.after,
      }),
    );
  }
}

interface TransactionFacts {
  author: ChangeAuthor;
  method: ChangeLogTransaction['method'];
  url: string | null;
  session_id: string | null;
  client_ip: string | null;
  ip_info: string | null;
  now: number;
  raw: JsonObject;
  object: JsonObject | null;
}

function transaction(
  service: ChangeLogTransaction['service'],
  resourceId: number,
  memberId: number,
  changes: FieldChange[],
  facts: TransactionFacts,
): ChangeLogTransaction {
  const copied = structuredClone(changes);
  return {
    transaction_id: randomUUID(),
    service,
    resource_id: resourceId,
    member_id: memberId,
    created_on: formatTimestamp(facts.now),
    method: facts.method,
    url: facts.url,
    user_id: facts.author.user_id,
    user_full_name: facts.author.user_full_name,
    request_source: facts.author.request_source,
    session_id: facts.session_id,
    client_ip: facts.client_ip,
    ip_info: facts.ip_info,
    changes: copied,
    num_of_changes: copied.filter((c) => c.changed).length,
    raw_json: JSON.stringify(facts.raw),
    object_json: JSON.stringify(facts.object),
  };
}
