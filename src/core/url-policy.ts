import { lookup as dnsLookup, type LookupAddress, type LookupOneOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { ProductError } from './product-error.js';

export const URL_ERROR_CODES = ['URL_REFUSED'] as const;

/** A URL that xandr-sync will not send anything to (it is refused before any connection is made). */
class UrlRefusedError extends ProductError<(typeof URL_ERROR_CODES)[number]> {
  readonly code = 'URL_REFUSED';
}

interface UrlPolicy {
  /** How the setting is named in messages: `API URL`, `--webhook`, `GITHUB_API_URL`. */
  setting: string;
  /** What would travel to it, for the refusal of plain http: `credentials`, `the GitHub token`. */
  carries: string;
  /** Where credentials come from instead of a `user:password@` part. */
  credentialsFrom: string;
  /** Webhook URLs may carry a query (some relays take their token there); API URLs may not. */
  allowQuery?: boolean;
}

interface CheckedUrl {
  url: URL;
  /** http is allowed only when this is true. */
  loopback: boolean;
}

/**
 * The one rule for every URL xandr-sync sends something to (the Xandr API, a webhook, GitHub's API): https
 * anywhere; plain http only to this machine, because anything else would cross the network unencrypted; no
 * credentials inside the URL; for APIs, no query or fragment. Nothing about the URL is echoed that could be
 * a secret.
 */
export function checkServiceUrl(raw: string, policy: UrlPolicy): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo what could be a user:password@ part of the text.
    throw new UrlRefusedError(`${policy.setting} '${raw.replace(/\/\/[^/]*@/, '//***@')}' is not a valid URL`);
  }
  if (url.username || url.password) {
    throw new UrlRefusedError(`${policy.setting} must not contain credentials; ${policy.credentialsFrom}`);
  }
  if (!policy.allowQuery && (url.search || url.hash)) {
    throw new UrlRefusedError(`${policy.setting} '${url.origin}${url.pathname}' must not have a query or fragment`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:') {
    if (!loopback) {
      throw new UrlRefusedError(
        `refusing plain http to ${url.hostname}: ${policy.carries} would cross the network unencrypted; ${policy.setting} must use https (http is allowed only for 127.0.0.1, ::1 and localhost)`,
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new UrlRefusedError(`${policy.setting} must use https (got ${url.protocol.replace(/:$/, '')})`);
  }
  return { url, loopback };
}

/**
 * This machine, decided from the text alone, before any name resolution: 127.0.0.0/8, ::1 and the literal
 * name `localhost`. Not `*.localhost`: such a name is looked up through DNS like any other, and a resolver
 * may answer with any address. `localhost` itself is never looked up either: `pinnedLookup` answers it.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * A `lookup` for sockets (undici's `connect.lookup`): `localhost` becomes 127.0.0.1 without asking the
 * resolver, so a plain-http connection that isLoopbackHost allowed really stays on this machine; every other
 * name resolves as usual.
 */
export const pinnedLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname.toLowerCase() !== 'localhost') {
    dnsLookup(hostname, options as LookupOneOptions, callback as (err: NodeJS.ErrnoException | null, address: string, family: number) => void);
    return;
  }
  const address: LookupAddress = { address: '127.0.0.1', family: 4 };
  if ((options as { all?: boolean }).all) (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, [address]);
  else callback(null, address.address, address.family);
};
