import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GitInputError } from '../../src/git/git-errors.js';
import { parseRemoteUrl } from '../../src/git/remote-url.js';

const test = suite('repository URLs');

const refused = (text: string, allowFile = false): GitInputError => {
  try {
    parseRemoteUrl(text, { allowFile });
  } catch (error) {
    assert.instance(error, GitInputError);
    return error as GitInputError;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
};

test('the accepted forms, each with the transport git is allowed to use for it', () => {
  const cases: [string, string][] = [
    ['https://github.com/acme/xandr-config.git', 'https'],
    ['https://gitlab.example.com:8443/group/sub/repo', 'https'],
    ['ssh://git@github.com/acme/xandr-config.git', 'ssh'],
    ['ssh://git@git.example.com:2222/repo.git', 'ssh'],
    ['git@github.com:acme/xandr-config.git', 'ssh'],
    ['deploy@[::1]:repo.git', 'ssh'],
  ];
  for (const [url, protocol] of cases) {
    const parsed = parseRemoteUrl(url);
    assert.is(parsed.protocol, protocol, url);
    assert.is(parsed.url, url, 'git is given the URL exactly as accepted');
  }
  assert.is(parseRemoteUrl('file:///srv/config.git', { allowFile: true }).protocol, 'file');
});

test('remote helpers, option look-alikes and injected commands are refused', () => {
  assert.match(refused('ext::sh -c touch% /tmp/x').message, /remote helper/);
  assert.match(refused('ext::sh -c "touch /tmp/x"').message, /remote helper/);
  assert.match(refused('fd::17').message, /remote helper/);
  assert.match(refused('--upload-pack=touch /tmp/x').message, /starts with '-'/);
  assert.match(refused('--upload-pack=touch').message, /starts with '-'/);
  assert.match(refused('-u/tmp/x').message, /starts with '-'/);
  assert.match(refused('-oProxyCommand=touch').message, /starts with '-'/);
  assert.match(refused('ssh://-oProxyCommand=touch%20x/repo').message, /ssh as an option/);
  assert.match(refused('git@-oProxyCommand:repo').message, /ssh as an option/);
  assert.match(refused('-git@host:repo').message, /starts with '-'/);
  assert.match(refused('git@host:-repo').message, /path starts with '-'/);
});

test('whitespace and control characters are refused (a newline would add lines to .git/config)', () => {
  for (const text of ['https://host/repo\n[core]', 'https://host/re po', 'https://host/repo\t', 'https://host/\u0000repo', 'https://host/repo\u007f']) {
    assert.match(refused(text).message, /whitespace or control/, JSON.stringify(text));
  }
});

test('other schemes and local paths are refused; file:// only when allowed', () => {
  assert.match(refused('http://github.com/acme/repo').message, /http:\/\/ scheme is not accepted/);
  assert.match(refused('git://github.com/acme/repo').message, /git:\/\/ scheme is not accepted/);
  assert.match(refused('ftp://host/repo').message, /not accepted/);
  assert.match(refused('/srv/config.git').message, /use https/);
  assert.match(refused('../config').message, /use https/);
  assert.match(refused('host:repo').message, /use https/, 'the scp-like form needs user@');
  assert.match(refused('file:///srv/config.git').message, /--allow-file-url/);
  assert.match(refused('file://otherhost/srv/config.git', true).message, /path on this machine/);
  assert.match(refused('https:///repo').message, /./);
  assert.match(refused('https://github.com/').message, /no repository path/);
  assert.match(refused('').message, /empty/);
  assert.match(refused(`https://host/${'a'.repeat(3000)}`).message, /longer than/);
});

test('credentials in an https URL are kept for git but never shown', () => {
  const parsed = parseRemoteUrl('https://x-access-token:ghp_SECRETTOKEN123@github.com/acme/config.git');
  assert.is(parsed.display, 'https://***@github.com/acme/config.git');
  assert.ok(parsed.secrets.includes('ghp_SECRETTOKEN123'));
  assert.ok(parsed.secrets.includes('x-access-token'), 'a token given as the user name is a secret too');
  const ssh = parseRemoteUrl('ssh://git@github.com/acme/config.git');
  assert.is(ssh.display, 'ssh://git@github.com/acme/config.git', 'an ssh user name is not a secret');
  assert.equal(ssh.secrets, []);
  const message = refused('gopher://user:hunter2secret@host/repo').message;
  assert.not.match(message, /hunter2secret/, 'a refused URL is shown without its credentials');
});

test('git is handed the URL without its credentials; an https user and password go to the credential helper, decoded', () => {
  const https = parseRemoteUrl('https://x-access-token:p%40ss%2Fw0rd@github.com:8443/acme/config.git');
  assert.is(https.fetchUrl, 'https://github.com:8443/acme/config.git');
  assert.equal(https.credentials, { username: 'x-access-token', password: 'p@ss/w0rd' });
  const tokenOnly = parseRemoteUrl('https://ghp_T0ken@github.com/acme/config.git');
  assert.is(tokenOnly.fetchUrl, 'https://github.com/acme/config.git');
  assert.equal(tokenOnly.credentials, { username: 'ghp_T0ken', password: '' });
  const plain = parseRemoteUrl('https://github.com/acme/config.git');
  assert.is(plain.fetchUrl, plain.url);
  assert.is(plain.credentials, null);
  const ssh = parseRemoteUrl('ssh://git:hunter2secret@github.com/acme/config.git');
  assert.is(ssh.fetchUrl, 'ssh://git@github.com/acme/config.git', 'ssh keeps its login and loses the password ssh never uses');
  assert.is(ssh.credentials, null);
  assert.is(parseRemoteUrl('git@github.com:acme/config.git').fetchUrl, 'git@github.com:acme/config.git');
});

test('credentials that decode to control characters are refused (they would add lines to what git is told)', () => {
  assert.match(refused('https://user:pa%0Ahost=evil.example@github.com/acme/repo').message, /control characters once decoded/);
  assert.not.match(refused('https://user:pa%0Ass@github.com/acme/repo').message, /pa%0Ass/);
});

test.run();
