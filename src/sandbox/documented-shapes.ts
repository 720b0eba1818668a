/**
 * The `documented` answer shapes: what Xandr's own articles show where it differs from the sandbox's usual
 * answers (xandr-api.md Part A 6), so that a client can be tested against every shape the docs admit. Each
 * shape names the page that shows it; test/fixtures/xandr/ holds those bodies verbatim.
 */
import { randomUUID } from 'node:crypto';
import { okEnvelope, API_VERSION } from './response-envelope.js';
import type { ServiceResponse } from './service-handler.js';
import type { AnswerShapes, JsonObject } from './types.js';

export interface AnsweredRequest {
  method: string;
  service: string;
  query: Record<string, string>;
  result: ServiceResponse;
}

/** The success body of an API request in the configured shapes. */
export function successBody(shapes: AnswerShapes, request: AnsweredRequest): JsonObject {
  const { result } = request;
  if (shapes === 'documented') {
    const documented = documentedBody(request);
    if (documented) return documented;
  }
  return result.bare ? { response: { status: 'OK', ...result.payload } } : okEnvelope(result.payload, result.outputTerm);
}

function documentedBody({ method, service, query, result }: AnsweredRequest): JsonObject | null {
  const { payload } = result;
  // authentication-service.md "Step 3": the member answer has no status, paging or dbg_info, and string ids.
  if (method === 'GET' && service === 'member') {
    return { response: { members: (payload.members as JsonObject[]).map(documentedMember) } };
  }
  // conversion-pixel-service.md "Add a conversion pixel": only status and id; the id as a string, as the
  // docs' PUT answers give it (conversion-pixel-service.md, line-item-service.md broker fees).
  if (method === 'POST' && payload.id !== undefined) return { response: { status: 'OK', id: String(payload.id) } };
  // profile-service.md "Target a range of query string values": a profile PUT answers status, count and id.
  if (method === 'PUT' && service === 'profile') return { response: { status: 'OK', count: 1, id: Number(payload.id) } };
  if (method !== 'GET') return null;
  const rows = payload[result.outputTerm];
  if (!Array.isArray(rows)) return null;
  // change-log-services.md: no dbg_info, numeric paging.
  if (service === 'change-log' || service === 'change-log-detail') return { response: { status: 'OK', ...payload } };
  // line-item-service.md "View a line item": one line item by id comes back under the singular key, and listings
  // there and in conversion-pixel-service.md have null paging and no dbg_info.
  if (service === 'line-item' && query.id !== undefined && !query.id.includes(',') && rows.length === 1) {
    return { response: { status: 'OK', 'line-item': rows[0], count: 1, start_element: null, num_elements: null } };
  }
  return { response: { status: 'OK', [result.outputTerm]: rows, count: payload.count, start_element: null, num_elements: null } };
}

function documentedMember(member: JsonObject): JsonObject {
  return {
    id: String(member.id),
    name: member.name,
    active: member.state === 'active' ? '1' : '0',
    bidder_id: String(member.bidder_id ?? 2),
  };
}

/**
 * The login answer. token-based-api-authentication.md shows `authn:` tokens and `debug_info` (not `dbg_info`);
 * the sandbox's usual answer follows authentication-service.md (`hbapi:` tokens in VCR traffic, `dbg_info`).
 */
export function loginBody(shapes: AnswerShapes, token: string, now: number, debug: JsonObject): JsonObject {
  if (shapes !== 'documented') return { response: { status: 'OK', token, dbg_info: debug } };
  const instance = 'sandbox.authentication-api';
  return {
    response: {
      status: 'OK',
      token,
      debug_info: { instance, time: 0, start_time: new Date(now).toISOString(), version: API_VERSION, request_id: `${instance}-${now}-${randomUUID()}` },
    },
  };
}
