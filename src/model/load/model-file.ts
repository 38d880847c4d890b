/**
 * One unit of scan work: read a file and build its FileModel. Shared by the
 * worker threads and the in-thread path, so both give the same result.
 */
import fs from 'node:fs';
import { unscannableContent } from '../../discover/sniff.js';
import type { SkippedFile } from '../../discover/index.js';
import { buildFileModel } from '../index.js';
import type { FileModel } from '../types.js';
import type { SourceKind } from '../../discover/kind.js';

export interface WorkItem {
  index: number;
  absPath: string;
  file: string;
  kind: SourceKind;
  /** Parse .nix files with tree-sitter even when the light parser accepts them. */
  verifySyntax?: boolean;
  /** Files larger than this many bytes are skipped, not read (default DEFAULT_MAX_FILE_SIZE). */
  maxFileSize?: number;
}

export interface WorkResult {
  index: number;
  model?: FileModel;
  /** Why the file could not be read (`EACCES: permission denied`, …). */
  readError?: string;
  /** Read on purpose no further: too large, encrypted, binary. */
  skipped?: Pick<SkippedFile, 'reason' | 'message'>;
}

/**
 * Larger files are skipped and reported, so memory stays bounded: the biggest real
 * module files seen are under 1 MB, and a parse keeps about 100 bytes per input byte.
 */
export const DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024;

function readReason(e: NodeJS.ErrnoException): string {
  return e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'ENOENT' ? 'no such file or directory' : e.message;
}

/** Reads the file unless it is too large or not text; one open, so the size checked is the size read. */
function readScannable(item: WorkItem): { text: string } | Omit<WorkResult, 'index'> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(item.absPath, 'r');
    const size = fs.fstatSync(fd).size;
    const limit = item.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (size > limit) {
      return { skipped: { reason: 'too-large', message: `${formatBytes(size)}, over the ${formatBytes(limit)} limit (--max-file-size); not scanned` } };
    }
    const bytes = fs.readFileSync(fd);
    const odd = unscannableContent(bytes);
    if (odd) return { skipped: odd };
    return { text: bytes.toString('utf8') };
  } catch (err) {
    return { readError: readReason(err as NodeJS.ErrnoException) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

export function processItem(item: WorkItem): WorkResult {
  const read = readScannable(item);
  if (!('text' in read)) return { index: item.index, ...read };
  let text = read.text;
  if (text.charCodeAt(0) === 0xfeff) text = ` ${text.slice(1)}`; // a BOM: keep offsets, drop the mark
  try {
    return { index: item.index, model: buildFileModel({ file: item.file, absPath: item.absPath, text, kind: item.kind }, { verifySyntax: item.verifySyntax }) };
  } catch (err) {
    // A bug in the model builder must not stop the scan of every other file; it shows up as a problem on this one.
    const model = buildFileModel({ file: item.file, absPath: item.absPath, text: '', kind: item.kind });
    model.text = text;
    model.parseProblems = [
      {
        message: `internal error while modelling this file: ${(err as Error).message}`,
        span: { file: item.file, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, startOffset: 0, endOffset: 0 },
      },
    ];
    return { index: item.index, model };
  }
}
