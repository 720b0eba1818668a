import { GitInputError } from './git-errors.js';

/** The git transport a URL uses: what `protocol.<name>.allow` is opened for, and nothing else. */
export type GitProtocol = 'https' | 'ssh' | 'file';

export interface RemoteUrl {
  /** Exactly as given (it passed every check), credentials and all. Never handed to git. */
  url: string;
  /**
   * What git is handed, after `--`: the URL without its credentials (an ssh user name stays), so that they
   * never reach argv (the process list), `.git/config`, `FETCH_HEAD` or a reflog message.
   */
  fetchUrl: string;
  /** An https URL's user and password, percent-decoded, for the credential helper (credential-helper.ts). */
  credentials: { username: string; password: string } | null;
  protocol: GitProtocol;
  /** For messages, logs and notifications: credentials in the URL replaced by `***`. */
  display: string;
  /** Credentials found in the URL, for the CLI's output redactor. */
  secrets: string[];
}

export interface RemoteUrlOptions {
  /** `file://` URLs (a repository on this machine): off unless `--allow-file-url`. */
  allowFile?: boolean;
}

const MAX_URL_LENGTH = 2048;
/** `user@host:path`, git's scp-like syntax. The user part is required, so a local path with a colon is never taken for it. */
const SCP_LIKE = /^([A-Za-z0-9._~+-]+)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(.+)$/;

/**
 * Accepts only the URL forms a config repository needs: `https://`, `ssh://`, `user@host:path`, and
 * `file://` when allowed. Everything else is refused here, before any git process runs: git's
 * `<transport>::<address>` helpers (`ext::sh -c ...` runs a command), `-`-leading values that git or ssh
 * would read as options (`--upload-pack=...`, `-u...`, a host like `-oProxyCommand=...`), plain `http://`
 * and `git://` (no authentication of the server), local paths, and control characters or whitespace
 * (a newline in a URL written into .git/config would add config lines).
 */
export function parseRemoteUrl(text: string, options: RemoteUrlOptions = {}): RemoteUrl {
  const shown = preview(text);
  const refuse = (why: string): never => {
    throw new GitInputError(`refusing repository URL ${shown}: ${why}`, 'url');
  };
  if (text.length === 0) refuse('it is empty');
  if (text.length > MAX_URL_LENGTH) refuse(`it is longer than ${MAX_URL_LENGTH} characters`);
  if (text.startsWith('-')) refuse("it starts with '-', so git would read it as an option");
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(text)) refuse("'<transport>::<address>' runs a git remote helper; use https://, ssh:// or user@host:path");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(text)) refuse('it contains whitespace or control characters');

  const scp = SCP_LIKE.exec(text);
  if (scp && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    const [, user, host, path] = scp as unknown as [string, string, string, string];
    if (user.startsWith('-') || host.startsWith('-')) refuse("a user or host that starts with '-' would be read by ssh as an option");
    if (path.startsWith('-')) refuse("the path starts with '-'");
    return { url: text, fetchUrl: text, credentials: null, protocol: 'ssh', display: text, secrets: [] };
  }

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('use https://host/path, ssh://host/path or user@host:path');
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'file') {
    if (!options.allowFile) refuse('file:// URLs are accepted only with --allow-file-url');
    if (url.hostname !== '' && url.hostname !== 'localhost') refuse('a file:// URL names a path on this machine (file:///path)');
    if (url.search || url.hash) refuse('a file:// URL cannot have a query or fragment');
    return { url: text, fetchUrl: text, credentials: null, protocol: 'file', display: text, secrets: [] };
  }
  if (scheme !== 'https' && scheme !== 'ssh') {
    refuse(`the ${scheme}:// scheme is not accepted; use https://, ssh:// or user@host:path`);
  }
  if (url.hostname === '') refuse('it names no host');
  if (url.hostname.startsWith('-') || decode(url.username).startsWith('-')) {
    refuse("a user or host that starts with '-' would be read by ssh as an option");
  }
  if (url.pathname === '' || url.pathname === '/') refuse('it names no repository path');
  const secrets = [url.password, decode(url.password)];
  if (scheme === 'https') secrets.push(url.username, decode(url.username));
  let credentials: RemoteUrl['credentials'] = null;
  if (scheme === 'https' && (url.username || url.password)) {
    credentials = { username: decode(url.username), password: decode(url.password) };
    // A decoded newline would add lines to what the credential helper tells git (`host=` among them).
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(credentials.username + credentials.password)) refuse('its credentials contain control characters once decoded');
  }
  return {
    url: text,
    fetchUrl: withoutCredentials(text, scheme === 'https' ? 'all' : 'password'),
    credentials,
    protocol: scheme as GitProtocol,
    display: redactUrl(url),
    secrets: secrets.filter((s) => s.length > 0),
  };
}

/**
 * The URL as given, minus its user information (`all`) or only the password (`password`, for ssh, whose
 * user name is the login). Done on the text, not through URL.href, so git gets exactly the rest of what
 * was given. The user information ends at the authority's last '@', as WHATWG URL parsing has it.
 */
function withoutCredentials(text: string, what: 'all' | 'password'): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(text);
  if (!match) return text;
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  if (at < 0) return text;
  const userinfo = authority.slice(0, at);
  const host = authority.slice(at + 1);
  if (what === 'all') return `${scheme}${host}${rest}`;
  const colon = userinfo.indexOf(':');
  return colon < 0 ? text : `${scheme}${userinfo.slice(0, colon)}@${host}${rest}`;
}

/**
 * An https URL's user part is usually a token (`https://x-access-token:TOKEN@host/...`), so all of it goes;
 * an ssh user name (`ssh://git@host/...`) is not a secret and stays.
 */
function redactUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  if (copy.protocol === 'https:') {
    copy.username = '***';
    copy.password = '';
  } else if (copy.password) {
    copy.password = '***';
  }
  return copy.href;
}

/** A refused value is shown clipped, without credentials and with control characters made visible. */
function preview(text: string): string {
  const clipped = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  const noCredentials = clipped.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1***@');
  return JSON.stringify(noCredentials);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
