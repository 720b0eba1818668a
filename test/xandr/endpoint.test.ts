import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseEndpoint } from '../../src/xandr/endpoint.js';
import { isLoopbackHost, pinnedLookup } from '../../src/core/url-policy.js';
import { encodeQuery } from '../../src/xandr/transport.js';

const test = suite('endpoint rules');

test('https anywhere, with an optional version prefix', () => {
  assert.equal(parseEndpoint('https://api.appnexus.com'), { origin: 'https://api.appnexus.com', basePath: '', loopback: false });
  assert.is(parseEndpoint('https://api.appnexus.com/v1.16/').basePath, '/v1.16');
});

test('plain http only to loopback', () => {
  assert.ok(parseEndpoint('http://127.0.0.1:8080').loopback);
  assert.ok(parseEndpoint('http://localhost:1').loopback);
  assert.ok(parseEndpoint('http://[::1]:1').loopback);
  for (const url of ['http://api.appnexus.com', 'http://10.0.0.1', 'http://127.0.0.1.evil.example']) {
    assert.throws(() => parseEndpoint(url), /refusing plain http/, url);
  }
});

test('no credentials, queries or odd schemes in the URL', () => {
  assert.throws(() => parseEndpoint('https://user:pw@api.appnexus.com'), /must not contain credentials/);
  assert.throws(() => parseEndpoint('https://api.appnexus.com/?x=1'), /query/);
  assert.throws(() => parseEndpoint('ftp://api.appnexus.com'), /https/);
  assert.throws(() => parseEndpoint('not a url'), /not a valid URL/);
  assert.throws(
    () => parseEndpoint('https://user:secret@example.com:99999'),
    (e: Error) => /not a valid URL/.test(e.message) && !e.message.includes('secret'),
    'an unparsable URL is not echoed with its password',
  );
});

test('id lists keep their commas, everything else is encoded', () => {
  assert.is(encodeQuery({ id: '1,2,3', code: 'a b&c', skip: undefined }), '?id=1,2,3&code=a%20b%26c');
});

test('loopback is 127.0.0.0/8, ::1 and the literal localhost, decided from the text alone', () => {
  for (const host of ['127.0.0.1', '127.255.0.9', '[::1]', '::1', 'localhost', 'LOCALHOST']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['api.localhost', 'localhost.example.com', '128.0.0.1', '0.0.0.0', '::ffff:127.0.0.1', '10.0.0.1']) assert.not.ok(isLoopbackHost(host), host);
});

test('localhost is answered without asking the resolver', async () => {
  const address = await new Promise<string>((resolve, reject) => pinnedLookup('localhost', {}, (error, addr) => (error ? reject(error) : resolve(String(addr)))));
  assert.is(address, '127.0.0.1');
});

test.run();
