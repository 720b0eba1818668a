import type { RemoteUrl } from './remote-url.js';

/** The variables that carry an https URL's user and password to the credential helper below. */
const USERNAME_VAR = 'XANDR_SYNC_GIT_USERNAME';
const PASSWORD_VAR = 'XANDR_SYNC_GIT_PASSWORD';

/**
 * Answers git's `get` with the user and password from the environment and ignores `store` and `erase`
 * (git runs `!`-helpers through the shell with the operation appended). The script holds only variable
 * names; the values never appear in a command line.
 */
const HELPER = `!f() { test "$1" = get || return 0; printf 'username=%s\\npassword=%s\\n' "$${USERNAME_VAR}" "$${PASSWORD_VAR}"; }; f`;

/**
 * The environment one git process gets to authenticate to an https remote whose URL carried credentials;
 * empty for any other remote. git is handed the URL without them (RemoteUrl.fetchUrl), so they are never
 * in argv (the process list), `.git/config`, `FETCH_HEAD` or a reflog message.
 *
 * A credential helper fed from the environment rather than an `http.extraHeader` with the credentials
 * already encoded: git asks the helper only when the server answers 401, and only for the URL the helper is
 * configured for (`credential.<scheme>://<host>.helper`), so a redirect to another host is never handed
 * them; the server picks the authentication scheme, as it did when the credentials were in the URL; and
 * the secret sits in the environment of this process alone (readable by its own user only), as the plain
 * user and password, never in a config value. The helper's definition goes through `GIT_CONFIG_COUNT`, so
 * that even the script stays out of the process list. An empty `credential.helper` first drops every helper
 * configured before it.
 */
export function credentialHelperEnv(remote: RemoteUrl): Record<string, string> {
  if (!remote.credentials || remote.protocol !== 'https') return {};
  const origin = new URL(remote.fetchUrl).origin;
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: `credential.${origin}.helper`,
    GIT_CONFIG_VALUE_1: HELPER,
    [USERNAME_VAR]: remote.credentials.username,
    [PASSWORD_VAR]: remote.credentials.password,
  };
}
