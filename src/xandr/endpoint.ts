import { isIP } from 'node:net';
import { XandrEndpointError } from './errors.js';

export const DEFAULT_API_URL = 'https://api.appnexus.com';

export interface Endpoint {
  /** scheme://host[:port] — the only origin the Authorization header is ever sent to. */
  origin: string;
  /** Path prefix such as `/v1.16` or `` for the root. */
  basePath: string;
  loopback: boolean;
}

/**
 * Checks an API URL before anything is sent to it: https anywhere, plain http only to this machine
 * (the sandbox), no user:password@ in the URL, no query or fragment.
 */
export function parseEndpoint(raw: string): Endpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo what could be a user:password@ part of the text.
    throw new XandrEndpointError(`API URL '${raw.replace(/\/\/[^/]*@/, '//***@')}' is not a valid URL`);
  }
  if (url.username || url.password) {
    throw new XandrEndpointError('API URL must not contain credentials; use XANDR_USERNAME and XANDR_PASSWORD');
  }
  if (url.search || url.hash) throw new XandrEndpointError(`API URL '${url.origin}${url.pathname}' must not have a query or fragment`);
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:') {
    if (!loopback) {
      throw new XandrEndpointError(
        `refusing plain http to ${url.hostname}: credentials would cross the network unencrypted; use https (http is allowed only for 127.0.0.1, ::1 and localhost)`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new XandrEndpointError(`API URL must use https (got ${url.protocol.replace(/:$/, '')})`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), loopback };
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
