import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadProjectConfig } from '../manifest/index.js';
import { DEFAULT_API_URL } from '../xandr/endpoint.js';
import { parseCommandArgs } from './args.js';
import { FileError, fsReason, UsageError } from './cli-errors.js';
import { connect } from './connection.js';
import { EXIT_OK, type Command } from './io.js';

const USAGE = `Usage: xandr-sync login --token-file FILE [--api-url URL]

Logs in to Xandr (or reuses the cached token, when Xandr would still accept it) and writes the token to
FILE (mode 0600), for other steps or jobs of a CI workflow to use with XANDR_TOKEN_FILE or XANDR_TOKEN, so
that they share one login: Xandr allows 10 per 5 minutes per user. The token is never printed. It stays
valid for 2 hours after its last use, 24 hours at most. See docs/github.md, "Sharing one login".

Options:
  --token-file FILE   where to write the token (required)
  --api-url URL       the API (default XANDR_API_URL, then https://api.appnexus.com)`;

export const loginCommand: Command = {
  summary: 'log in once and write the token to a file, for CI jobs to share',
  usage: USAGE,
  async run(io) {
    const { values } = parseCommandArgs(io.argv, { 'token-file': { type: 'string' }, 'api-url': { type: 'string' } }, false);
    if (!values['token-file']) throw new UsageError('--token-file FILE is required (the token is never printed)');
    if (!io.env.XANDR_USERNAME && !io.env.XANDR_TOKEN && !io.env.XANDR_TOKEN_FILE) {
      throw new UsageError('set XANDR_USERNAME and XANDR_PASSWORD (login has nothing to do against the embedded sandbox)');
    }
    const connection = await connect(io, { apiUrl: values['api-url'], config: await loadProjectConfig([], { cwd: io.cwd, operatorApiUrl: values['api-url'] ?? io.env.XANDR_API_URL ?? DEFAULT_API_URL }) });
    try {
      const token = await connection.client.verifiedToken(io.stopSignal);
      const file = resolve(io.cwd, values['token-file']);
      try {
        writeFileSync(file, `${token}\n`, { mode: 0o600 });
      } catch (error) {
        throw new FileError(`cannot write the token to ${values['token-file']}: ${fsReason(error)}`);
      }
      io.stderr.write(`Logged in to ${connection.target.api_url}; the token is in ${values['token-file']} (valid for 2 h after its last use, 24 h at most).\n`);
      return EXIT_OK;
    } finally {
      await connection.close();
    }
  },
};
