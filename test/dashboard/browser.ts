import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium package (`.ci/run` installs it); playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.XANDR_SYNC_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, no network of its own (no updates, no sync), as root in CI (hence no sandbox). */
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export interface Browser {
  /** A new tab; every console error and uncaught exception on it is collected in `problems`. */
  open(): Promise<Page>;
  /** Console errors (a CSP violation is one), page errors and failed requests, on every tab so far. */
  problems: string[];
  close(): Promise<void>;
}

/** A real Chromium with a fresh profile in a temporary directory, removed on close. */
export async function launchBrowser(options: { httpCredentials?: { username: string; password: string } } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'xandr-sync-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
      httpCredentials: options.httpCredentials,
      timezoneId: 'UTC',
      locale: 'en-GB',
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`cannot start ${CHROMIUM} (install Debian's chromium package: apt-get install -y chromium): ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`${request.url()}: request failed: ${request.failure()?.errorText}`));
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return {
    open: () => context.newPage(),
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a suite's setup once, in the first test that awaits it. uvu reports a suite whose `before` hook threw
 * as "0 of N passed" and still exits 0, so a setup that can fail (a browser that does not start, a cycle
 * that does not converge) must fail a test instead.
 */
export function once<T>(setup: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | null = null;
  return () => (started ??= setup());
}
