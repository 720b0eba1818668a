import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, workspace } from '../helpers/cli.js';
import { SEED } from '../helpers/manifests.js';

const CANARY = 'Canary-Pa55word-7f3a!';
const test = suite('endpoints: where credentials may go');

test('plain http to a non-loopback host is refused before anything is sent', async () => {
  const ws = workspace(SEED);
  try {
    // *.localhost is a name like any other: a resolver may answer it with any address (finding 6).
    for (const url of ['http://api.appnexus.com', 'http://10.1.2.3:8080', 'http://127.0.0.1.nip.io', 'http://api.localhost:8080', 'http://localhost.evil.example']) {
      const run = await runCli(['plan'], { cwd: ws.dir, env: { XANDR_API_URL: url, XANDR_USERNAME: 'u', XANDR_PASSWORD: CANARY } });
      assert.is(run.code, 1, url);
      assert.match(run.stderr, /refusing plain http/, url);
      assert.not.ok((run.stdout + run.stderr).includes(CANARY));
    }
    const withUser = await runCli(['plan'], { cwd: ws.dir, env: { XANDR_API_URL: `https://u:${CANARY}@api.example.com`, XANDR_USERNAME: 'u', XANDR_PASSWORD: 'x' } });
    assert.is(withUser.code, 1);
    assert.match(withUser.stderr, /must not contain credentials/);
    assert.not.ok((withUser.stdout + withUser.stderr).includes(CANARY), 'the URL with the password is not echoed');
  } finally {
    ws.cleanup();
  }
});

test('an API that redirects: refused, and neither password nor token reaches the other origin', async () => {
  const elsewhere: IncomingMessage[] = [];
  const other = createServer((req, res) => {
    elsewhere.push(req);
    res.end('{}');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const api = createServer((req, res) => {
    res.statusCode = 307;
    res.setHeader('location', `${target}${req.url}`);
    res.end();
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const ws = workspace(SEED);
  try {
    const run = await runCli(['plan'], {
      cwd: ws.dir,
      env: { XANDR_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, XANDR_USERNAME: 'u', XANDR_PASSWORD: CANARY },
    });
    assert.is(run.code, 1);
    assert.match(run.stderr, /redirect/);
    assert.is(elsewhere.length, 0, 'nothing was sent to the redirect target');
    assert.not.ok((run.stdout + run.stderr).includes(CANARY));
  } finally {
    ws.cleanup();
    await new Promise((r) => api.close(r));
    await new Promise((r) => other.close(r));
  }
});

test.run();
