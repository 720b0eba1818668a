import type { ApplyReport } from '../apply/execute.js';
import { GithubClient, parseApiUrl } from '../github/api-client.js';
import { readPullRequestContext, type PullRequestContext } from '../github/pull-request-context.js';
import { appendStepSummary } from '../github/step-summary.js';
import { GITHUB_COMMENT_LIMIT, planCommentMarker, upsertStickyComment } from '../github/sticky-comment.js';
import type { Plan, Target } from '../plan/index.js';
import { renderAnnotationsGithub, type Annotation } from '../render/diagnostics.js';
import { DEFAULT_MARKDOWN_LIMIT } from '../render/plan-markdown.js';
import { renderToString } from '../render/registry.js';
import type { CommandIO } from './io.js';
import { redactor } from './redact.js';

/**
 * What plan and apply do for GitHub Actions: annotations for plan errors, the report in the step summary,
 * and the sticky plan comment on the pull request. Everything posted or written passes the redactor, like
 * stdout and stderr.
 */

/** A step summary may hold more than a comment (1 MiB); plan and apply in one step still both fit. */
const SUMMARY_CHARS = 400_000;

function runsInGithubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/**
 * Plan errors as workflow annotations (at most 10 and a line counting the rest). They go to stderr: the
 * runner reads workflow commands from both streams (actions/runner ScriptHandler.cs hands each to an
 * OutputManager), and stdout stays the plan itself, parseable with --format json.
 */
export function annotatePlanErrors(io: CommandIO, plan: Plan, command: string): void {
  if (!runsInGithubActions(io.env) || plan.errors.length === 0) return;
  const annotations: Annotation[] = plan.errors.map((e) => ({
    severity: 'error',
    code: e.code,
    message: e.address && !e.message.includes(e.address) ? `${e.address}: ${e.message}` : e.message,
    file: e.file,
    line: e.line,
    column: e.column,
  }));
  io.stderr.write(renderAnnotationsGithub(annotations, { command }));
}

export function summarizePlan(io: CommandIO, plan: Plan, writesPerMinute: number): void {
  appendSummary(io, (maxLength) => renderToString('plan', 'markdown', redactor.redactDeep(plan), { writesPerMinute, maxLength }));
}

export function summarizeApply(io: CommandIO, report: ApplyReport, target: Target): void {
  appendSummary(io, (maxLength) => renderToString('apply', 'markdown', { report: redactor.redactDeep(report), target, elapsedMs: 0 }, { maxLength }));
}

/** Appends to GITHUB_STEP_SUMMARY when it is set. A summary that cannot be written is a warning, not a failure. */
function appendSummary(io: CommandIO, render: (maxLength: number) => string): void {
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    const outcome = appendStepSummary(file, (max) => redactor.redact(render(max)), SUMMARY_CHARS);
    if (outcome === 'full') io.stderr.write('warning: the step summary is full (1 MiB); the report is only in the log\n');
  } catch (error) {
    io.stderr.write(`warning: cannot write the step summary (GITHUB_STEP_SUMMARY): ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
  }
}

/**
 * Reads where `plan --comment` posts, before any planning, so that a workflow missing GITHUB_TOKEN fails in
 * a second. The token is registered with the redactor at once.
 */
export function preparePlanComment(io: CommandIO): PullRequestContext {
  const context = readPullRequestContext(io.env);
  redactor.add(context.token);
  parseApiUrl(context.apiUrl);
  return context;
}

/** Identifies a target's comment: its API and member, and the advertisers of a shard. */
function planTargetId(plan: Plan, advertisers?: number[]): string {
  const shard = advertisers?.length ? ` advertisers ${[...advertisers].sort((a, b) => a - b).join(',')}` : '';
  return `${plan.target.api_url} member ${plan.target.member_id}${shard}`;
}

/** Creates or updates the plan comment. Any failure is thrown (a GithubError): the command then fails. */
export async function postPlanComment(io: CommandIO, context: PullRequestContext, plan: Plan, options: { writesPerMinute: number; advertisers?: number[] }): Promise<void> {
  const marker = planCommentMarker(planTargetId(plan, options.advertisers));
  const footer = commentFooter(context);
  const room = GITHUB_COMMENT_LIMIT - marker.length - footer.length - 16;
  const markdown = redactor.redact(renderToString('plan', 'markdown', redactor.redactDeep(plan), { writesPerMinute: options.writesPerMinute, maxLength: Math.min(DEFAULT_MARKDOWN_LIMIT, room) }));
  const client = new GithubClient({ apiUrl: context.apiUrl, token: context.token });
  try {
    const result = await upsertStickyComment(client, { owner: context.owner, repo: context.repo, number: context.number, marker, body: `${markdown}\n${footer}` });
    io.stderr.write(`Plan comment ${result.action} on pull request #${context.number}${result.url ? `: ${result.url}` : ''}\n`);
  } finally {
    await client.close();
  }
}

function commentFooter(context: PullRequestContext): string {
  const what = context.headSha ? `commit ${context.headSha.slice(0, 12)}` : 'this pull request';
  const run = context.runUrl ? ` · [workflow run](${context.runUrl})` : '';
  return `<sub>Planned by xandr-sync for ${what}${run}. This comment is updated each time the plan runs.</sub>\n`;
}
