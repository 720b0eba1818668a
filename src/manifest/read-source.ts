import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import type { DiagnosticCollector } from './collector.js';
import { SourceText } from './source-text.js';

/** Manifest files larger than this are refused before they are read: nobody writes 5 MB of YAML by hand. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (same rules as TextDecoder). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f; // UTF-16 surrogates are not characters
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? lo : 0x80) || next > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

function describeSize(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** O_NONBLOCK: if a file is swapped for a FIFO after it was listed, opening it must not hang the run. */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/**
 * The text of a manifest file, or undefined after reporting why it cannot be used. The size is checked on the
 * open descriptor before reading, so a huge file costs an fstat, not its contents.
 *
 * Synchronous on purpose: for thousands of small files, libuv's thread pool round trips cost five times more
 * than the reads themselves (28,000 files: 1.6 s asynchronously, 0.2 s like this). The caller yields to
 * the event loop between batches.
 */
export function readSource(abs: string, file: string, collector: DiagnosticCollector): SourceText | undefined {
  let bytes: Uint8Array;
  let fd: number | undefined;
  try {
    fd = openSync(abs, OPEN_FLAGS);
    const info = fstatSync(fd);
    if (!info.isFile()) {
      collector.atFile(file, 'not-a-file', `${file} is not a regular file`);
      return undefined;
    }
    if (info.size > MAX_FILE_BYTES) {
      collector.atFile(file, 'file-too-large', `file is ${describeSize(info.size)}; a manifest file may be at most 5 MB (split it into several files)`);
      return undefined;
    }
    // One byte more than the cap: a file that grew since fstat is caught instead of silently cut.
    const buffer = Buffer.allocUnsafe(Math.min(info.size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    bytes = buffer.subarray(0, length);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    collector.atFile(file, 'read-error', `cannot read the file (${reason})`);
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (bytes.length > MAX_FILE_BYTES) {
    collector.atFile(file, 'file-too-large', `file is over 5 MB; a manifest file may be at most 5 MB (split it into several files)`);
    return undefined;
  }
  try {
    return new SourceText(file, decoder.decode(bytes));
  } catch {
    // Windows editors save "Unicode" as UTF-16 with a byte-order mark: say so rather than blame byte 0.
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      collector.atFile(file, 'not-utf8', 'file is UTF-16 text: save it as UTF-8');
      return undefined;
    }
    const bad = firstInvalidUtf8(bytes);
    if (bad === -1) {
      collector.atFile(file, 'not-utf8', 'file is not valid UTF-8 text: save it as UTF-8');
      return undefined;
    }
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    // The lenient decoder drops a leading BOM just like the strict one, so columns agree with the editor's.
    const prefix = lenient.decode(bytes.subarray(lineStart, bad));
    const byte = (bytes[bad] as number).toString(16).toUpperCase().padStart(2, '0');
    collector.atFile(file, 'not-utf8', `byte 0x${byte} at offset ${bad} is not valid UTF-8: save the file as UTF-8`, line, prefix.length + 1);
    return undefined;
  }
}
