import { readFileSync } from 'node:fs';
import { GithubError } from './github-errors.js';

const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** Where a plan comment goes, read from the variables a GitHub Actions runner sets. */
export interface PullRequestContext {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  /** The pull request (an issue number: PR comments are issue comments in the REST API). */
  number: number;
  /** The PR head commit the plan is for, when the event says (pull_request events do). */
  headSha?: string;
  /** A link to this workflow run, for the comment's footer. */
  runUrl?: string;
}

/**
 * Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and the PR number from the event payload at
 * GITHUB_EVENT_PATH (`pull_request.number`, or `issue.number` for an issue_comment event). Every missing
 * piece is named in one error, so a workflow is fixed in one go.
 */
export function readPullRequestContext(env: NodeJS.ProcessEnv): PullRequestContext {
  const problems: string[] = [];
  const token = env.GITHUB_TOKEN ?? '';
  if (!token) problems.push('GITHUB_TOKEN is not set (add `env: GITHUB_TOKEN: ${{ github.token }}` to the step)');
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) problems.push(`GITHUB_REPOSITORY must be owner/name (got '${repository}')`);
  const event = readEvent(env, problems);
  const number = event === undefined ? undefined : pullRequestNumber(event);
  if (event !== undefined && number === undefined) {
    problems.push(
      `the ${env.GITHUB_EVENT_NAME ?? 'workflow'} event is not about a pull request: its payload has neither pull_request.number nor issue.number; run 'plan --comment' on pull_request events`,
    );
  }
  if (problems.length > 0) throw new GithubError(`cannot comment on the pull request: ${problems.join('; ')}`);
  const server = env.GITHUB_SERVER_URL;
  const runUrl = server && env.GITHUB_RUN_ID ? `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const headSha = (event as { pull_request?: { head?: { sha?: unknown } } }).pull_request?.head?.sha;
  return {
    token,
    apiUrl: env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL,
    owner: owner!,
    repo: repo!,
    number: number!,
    headSha: typeof headSha === 'string' ? headSha : undefined,
    runUrl,
  };
}

function readEvent(env: NodeJS.ProcessEnv, problems: string[]): Record<string, unknown> | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) {
    problems.push('GITHUB_EVENT_PATH is not set (it is set by GitHub Actions; the pull request number comes from it)');
    return undefined;
  }
  try {
    const event: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (event !== null && typeof event === 'object' && !Array.isArray(event)) return event as Record<string, unknown>;
    problems.push(`the event payload at GITHUB_EVENT_PATH (${path}) is not a JSON object`);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    problems.push(`cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${reason}`);
  }
  return undefined;
}

function pullRequestNumber(event: Record<string, unknown>): number | undefined {
  for (const key of ['pull_request', 'issue']) {
    const number = (event[key] as { number?: unknown } | undefined)?.number;
    if (typeof number === 'number' && Number.isSafeInteger(number) && number > 0) return number;
  }
  return undefined;
}
