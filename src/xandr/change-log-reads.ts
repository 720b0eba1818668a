import type { XandrClient } from './client.js';
import { extractObjects, isRecord } from './envelope.js';
import type { Json } from './types.js';

/**
 * Xandr's Change Log (change-log-services.md): who changed an object, when, through what, and which fields.
 * Only what attribution shows is kept. A transaction's detail also carries `session_id` (an authentication
 * token), `client_ip` and `raw_json`: they are dropped here, at the edge, so that no later code can print,
 * log or store them.
 */
export interface ChangeLogEntry {
  /** A UUID string, although the docs type it int. */
  transaction_id: string;
  created_on: string | null;
}

export interface ChangeLogDetail {
  user_full_name: string | null;
  request_source: string | null;
  method: string | null;
  created_on: string | null;
  changes: { field_name: string; old_value: Json; new_value: Json; changed: boolean }[];
}

/** The newest transaction on one object (`GET /change-log?service=&resource_id=`, newest first), or null. */
export async function latestChange(client: XandrClient, service: string, resourceId: number, signal?: AbortSignal): Promise<ChangeLogEntry | null> {
  client.expect('change-log', 1);
  const body = await client.call({
    method: 'GET',
    service: 'change-log',
    query: { service, resource_id: resourceId, num_elements: 1, start_element: 0 },
    object: `${service} ${resourceId}`,
    signal,
  });
  const first = extractObjects(body, 'change_log', 'change_logs')[0];
  if (!isRecord(first)) return null;
  const id = first.transaction_id;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  return { transaction_id: String(id), created_on: typeof first.created_on === 'string' ? first.created_on : null };
}

/** One transaction's who, how and what (`GET /change-log-detail?service=&transaction_id=`), or null. */
export async function changeDetail(client: XandrClient, service: string, transactionId: string, signal?: AbortSignal): Promise<ChangeLogDetail | null> {
  client.expect('change-log-detail', 1);
  const body = await client.call({
    method: 'GET',
    service: 'change-log-detail',
    query: { service, transaction_id: transactionId },
    object: `${service} change ${transactionId}`,
    signal,
  });
  const raw = extractObjects(body, 'change_log_detail', 'change_log_details')[0];
  if (!isRecord(raw)) return null;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const changes = Array.isArray(raw.changes)
    ? raw.changes.filter(isRecord).flatMap((c) =>
        typeof c.field_name === 'string'
          ? [{ field_name: c.field_name, old_value: (c.old_value ?? null) as Json, new_value: (c.new_value ?? null) as Json, changed: c.changed !== false && c.changed !== 'false' }]
          : [],
      )
    : [];
  // Picked field by field: session_id, client_ip, ip_info and raw_json never leave this function.
  return { user_full_name: text(raw.user_full_name), request_source: text(raw.request_source), method: text(raw.method), created_on: text(raw.created_on), changes };
}

