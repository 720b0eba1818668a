import type { GithubClient } from './api-client.js';
import { GithubError } from './github-errors.js';

/** GitHub refuses a comment body longer than this (in characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

interface StickyComment {
  owner: string;
  repo: string;
  /** The pull request's number. */
  number: number;
  /** A hidden HTML comment that identifies this comment among all others on the pull request. */
  marker: string;
  /** The text after the marker. */
  body: string;
}

interface StickyResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
}

/**
 * The marker of one target's plan comment. One per target, so that a repository planning staging and
 * production gets two comments that each stay current. `-->` cannot occur inside: it would end the comment.
 */
export function planCommentMarker(targetId: string): string {
  return `<!-- xandr-sync plan: ${targetId.replace(/--+/g, '-').replace(/[<>\r\n]/g, '')} -->`;
}

/**
 * Creates the comment, or edits the one that starts with the marker: the pull request keeps one comment
 * per target, showing the latest plan, instead of one more comment on every push. All pages of comments are
 * read (a busy pull request has more than the first page holds).
 */
export async function upsertStickyComment(client: GithubClient, comment: StickyComment): Promise<StickyResult> {
  const body = `${comment.marker}\n${comment.body}`;
  if (body.length > GITHUB_COMMENT_LIMIT) {
    throw new GithubError(`the comment is ${body.length} characters, more than GitHub's ${GITHUB_COMMENT_LIMIT}; this is a bug in xandr-sync (the plan should have been truncated)`);
  }
  const repo = `/repos/${encodeURIComponent(comment.owner)}/${encodeURIComponent(comment.repo)}`;
  const comments = await client.list<IssueComment>(`${repo}/issues/${comment.number}/comments?per_page=100`);
  // startsWith, not includes: someone quoting the comment in a reply must not have their reply overwritten.
  const existing = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(comment.marker));
  if (existing) {
    const res = await client.send<IssueComment>('PATCH', `${repo}/issues/comments/${existing.id}`, { body });
    return { action: 'updated', id: existing.id, url: res.data?.html_url };
  }
  const res = await client.send<IssueComment>('POST', `${repo}/issues/${comment.number}/comments`, { body });
  if (typeof res.data?.id !== 'number') throw new GithubError(`POST ${repo}/issues/${comment.number}/comments: GitHub answered ${res.status} without a comment id`);
  return { action: 'created', id: res.data.id, url: res.data.html_url };
}
