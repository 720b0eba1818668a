import { Agent, request } from 'undici';
import { checkServiceUrl, pinnedLookup } from '../core/url-policy.js';
import type { Notification } from './notifications.js';
import { WebhookError } from './sync-errors.js';

interface WebhookTarget {
  url: string;
  /** The origin only: a Slack webhook's path is its secret, so it never appears in logs. */
  display: string;
}

/** The one URL policy (core/url-policy.ts): https anywhere, plain http only to this machine. */
export function parseWebhookUrl(raw: string): WebhookTarget {
  const { url } = checkServiceUrl(raw, {
    setting: '--webhook',
    carries: 'notifications',
    credentialsFrom: 'a webhook URL carries its secret in its path',
    allowQuery: true,
  });
  return { url: url.href, display: url.origin };
}

/**
 * Posts notifications as JSON (`{"text": ..., "blocks": [...]}`), which Slack incoming webhooks, and the
 * Slack-compatible endpoints of Mattermost, Rocket.Chat and Discord (`/slack`), accept. A failed post is
 * reported to the caller and never retried: the next state change brings the next message.
 */
export class Webhook {
  private readonly agent = new Agent({ connectTimeout: 10_000, headersTimeout: 10_000, bodyTimeout: 10_000, keepAliveTimeout: 1_000, connect: { lookup: pinnedLookup } });

  constructor(
    readonly target: WebhookTarget,
    /** Last line of defence: anything secret that slipped into a message is replaced. */
    private readonly redact: (text: string) => string = (t) => t,
  ) {}

  async post(notification: Notification): Promise<void> {
    const body = this.redact(JSON.stringify({ text: notification.text, blocks: notification.blocks }));
    let status: number;
    try {
      const res = await request(this.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'xandr-sync' },
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(15_000),
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new WebhookError(`webhook ${this.target.display}: ${typeof code === 'string' ? code : error instanceof Error ? error.name : 'request failed'}`);
    }
    if (status < 200 || status >= 300) throw new WebhookError(`webhook ${this.target.display} answered HTTP ${status}`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
