import { createHash, timingSafeEqual } from 'node:crypto';

/** Shorter tokens are refused: the dashboard may face a network, and a token is its only lock there. */
const MIN_TOKEN_LENGTH = 16;

/** Why a token file's content cannot be used, or null. */
export function tokenProblem(token: string): string | null {
  if (token.length === 0) return 'it is empty';
  if (/\s/.test(token)) return 'it contains whitespace (one token on one line is expected)';
  if (token.length < MIN_TOKEN_LENGTH) return `it is shorter than ${MIN_TOKEN_LENGTH} characters`;
  return null;
}

/**
 * Checks an `Authorization` header against the token: `Bearer <token>` (curl, a reverse proxy, Prometheus'
 * `authorization` setting) or `Basic` with the token as the password and any user name (a browser's own
 * prompt). Compared as SHA-256 digests with `timingSafeEqual`, so the time taken says nothing about how much
 * of a guess was right, nor about the token's length.
 */
export function authorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const match = /^(Bearer|Basic)\s+(\S+)$/i.exec(header.trim());
  if (!match) return false;
  let offered = match[2]!;
  if (match[1]!.toLowerCase() === 'basic') {
    const decoded = Buffer.from(offered, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    offered = decoded.slice(colon + 1);
  }
  return timingSafeEqual(digest(offered), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The challenges a 401 carries: Basic makes a browser ask for the password; Bearer names the other way. */
export const AUTH_CHALLENGES = ['Basic realm="xandr-sync dashboard", charset="UTF-8"', 'Bearer realm="xandr-sync dashboard"'];
