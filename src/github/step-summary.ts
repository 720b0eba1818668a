import { appendFileSync, statSync } from 'node:fs';

/** GitHub's limit for one step's summary file: a larger one is not shown at all. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** Below this many characters a report is not worth rendering: only the "summary is full" line goes in. */
const MIN_REPORT_CHARS = 1_000;

type SummaryOutcome = 'appended' | 'shortened' | 'full';

/**
 * Appends a report to the step summary file (GITHUB_STEP_SUMMARY) without ever taking it past 1 MiB.
 * `render(maxChars)` must return well-formed markdown of at most that many characters; when the whole
 * report does not fit in what is left, it is rendered again, shorter (it truncates by whole rows), and
 * when even a short one does not fit, one line says so instead, if that fits.
 */
export function appendStepSummary(file: string, render: (maxChars: number) => string, preferredChars: number, limitBytes = STEP_SUMMARY_LIMIT): SummaryOutcome {
  const size = fileSize(file);
  const separator = size > 0 ? '\n' : '';
  // Strictly under the limit: one byte of room is kept.
  const room = limitBytes - 1 - size - Buffer.byteLength(separator);
  let maxChars = preferredChars;
  for (let attempt = 0; attempt < 6 && maxChars >= MIN_REPORT_CHARS; attempt++) {
    const text = render(maxChars);
    const bytes = Buffer.byteLength(text);
    if (text !== '' && bytes <= room) {
      appendFileSync(file, separator + text);
      return attempt === 0 ? 'appended' : 'shortened';
    }
    // Characters can take up to 4 bytes; scale by what this attempt measured, with some slack.
    maxChars = Math.min(maxChars - 1, Math.floor((maxChars * room) / Math.max(bytes, 1) * 0.9));
  }
  const full = '> xandr-sync: the step summary is full (GitHub shows at most 1 MiB per step); the report is in the log.\n';
  if (Buffer.byteLength(full) <= room) appendFileSync(file, separator + full);
  return 'full';
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
