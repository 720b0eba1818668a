import type { CallSpec, XandrClient } from './client.js';
import { extractObjects, isRecord, type XandrBody } from './envelope.js';
import { findLineItemByCode } from './line-items.js';
import { toNumber } from './normalize.js';
import { findPixelByCode } from './pixels.js';
import { findSegmentByCode } from './segments.js';
import type { Query } from './transport.js';
import { XandrApiError, XandrResponseError } from './xandr-errors.js';

/**
 * The one write path: every POST, PUT and DELETE xandr-sync sends to Xandr goes through one of the three
 * functions below, whether it comes from `apply`, a saved plan or the sync job.
 */
export interface Write {
  /** The service, e.g. `segment`, `pixel`, `line-item`; also the envelope key of the body. */
  service: string;
  query: Query;
  /** `{ "<service>": { ...fields } }` for POST and PUT; null for DELETE. */
  body: Record<string, unknown> | null;
  /** What the write is about, for messages: the plan address (`Segment/retargeting-segment`). */
  object: string;
  signal?: AbortSignal;
}

/**
 * POST: creates one object and returns its id. When the outcome is unknown (a dropped connection after
 * sending, a 5xx), the client looks the object up by the `code` the body carries before anything is sent
 * again, so a lost answer never leaves two objects behind; a body without a code is never resent.
 */
export async function createObject(client: XandrClient, write: Write): Promise<number> {
  const spec: CallSpec = { method: 'POST', service: write.service, query: write.query, body: write.body ?? undefined, object: write.object, signal: write.signal };
  const lookup = codeLookup(client, write);
  if (lookup) {
    spec.recover = async () => {
      const found = await lookup();
      return found === null ? null : { status: 'OK', id: found };
    };
  }
  return writtenId(await client.call(spec), write, undefined);
}

/** PUT: a partial update of the fields sent (any array sent replaces the stored one). Returns the object's id. */
export async function updateObject(client: XandrClient, write: Write): Promise<number> {
  const body = await client.call({ method: 'PUT', service: write.service, query: write.query, body: write.body ?? undefined, object: write.object, signal: write.signal });
  return writtenId(body, write, toNumber(write.query.id) ?? undefined);
}

/** DELETE. An object already gone (a retry after a lost answer finds it so) is the goal reached. */
export async function deleteObject(client: XandrClient, write: Write): Promise<void> {
  try {
    await client.call({ method: 'DELETE', service: write.service, query: write.query, object: write.object, signal: write.signal });
  } catch (error) {
    if (error instanceof XandrApiError && error.notFound) return;
    throw error;
  }
}

/**
 * How to find what a POST with a lost answer may have created: by its code, in the scope where Xandr keeps
 * codes unique (segments per member, pixels and line items per advertiser). Null when the body has no code.
 */
function codeLookup(client: XandrClient, write: Write): (() => Promise<number | null>) | null {
  const fields = write.body?.[write.service];
  const code = isRecord(fields) && typeof fields.code === 'string' && fields.code !== '' ? fields.code : null;
  if (code === null) return null;
  const advertiserId = toNumber(write.query.advertiser_id);
  const idOf = (found: { id: number } | null) => found?.id ?? null;
  switch (write.service) {
    case 'segment':
      return async () => idOf(await findSegmentByCode(client, code, write.signal));
    case 'pixel':
      return advertiserId === null ? null : async () => idOf(await findPixelByCode(client, advertiserId, code, write.signal));
    case 'line-item':
      return advertiserId === null ? null : async () => idOf(await findLineItemByCode(client, advertiserId, code, write.signal));
    default:
      return null;
  }
}

/**
 * The id a POST or PUT answered: the response's `id` (an int after POST, a string after PUT, and a string
 * in the answer some articles show: `{"status":"OK","id":"500"}`), or the returned object's, or the id the
 * PUT was sent for.
 */
function writtenId(body: XandrBody, write: Write, sentFor: number | undefined): number {
  const object = extractObjects(body, write.service, `${write.service}s`)[0];
  const id = toNumber(body.id) ?? (isRecord(object) ? toNumber(object.id) : null) ?? sentFor ?? null;
  if (id === null || !Number.isSafeInteger(id) || id <= 0) {
    throw new XandrResponseError(`${write.object}: Xandr reported success but no id`, { service: write.service });
  }
  return id;
}
