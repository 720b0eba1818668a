import { checkServiceUrl } from '../core/url-policy.js';

export const DEFAULT_API_URL = 'https://api.appnexus.com';

export interface Endpoint {
  /** scheme://host[:port]: the only origin the Authorization header is ever sent to. */
  origin: string;
  /** Path prefix such as `/v1.16`, or `` for the root. */
  basePath: string;
  loopback: boolean;
}

/** Checks an API URL before anything is sent to it (core/url-policy.ts) and splits it for the transport. */
export function parseEndpoint(raw: string): Endpoint {
  const { url, loopback } = checkServiceUrl(raw, {
    setting: 'API URL',
    carries: 'credentials',
    credentialsFrom: 'use XANDR_USERNAME and XANDR_PASSWORD',
  });
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), loopback };
}
