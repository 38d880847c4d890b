/**
 * One unit of scan work: read a file and build its FileModel. Shared by the
 * worker threads and the in-thread path, so both give the same result.
 */
import fs from 'node:fs';
import { buildFileModel } from '../model/index.js';
import type { FileModel, SourceKind } from '../model/types.js';

export interface WorkItem {
  index: number;
  absPath: string;
  file: string;
  kind: SourceKind;
  /** Parse .nix files with tree-sitter even when the light parser accepts them. */
  verifySyntax?: boolean;
}

export interface WorkResult {
  index: number;
  model?: FileModel;
  /** Why the file could not be read (`EACCES: permission denied`, …). */
  readError?: string;
}

export function processItem(item: WorkItem): WorkResult {
  let text: string;
  try {
    text = fs.readFileSync(item.absPath, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.code === 'ENOENT' ? 'no such file or directory' : e.message;
    return { index: item.index, readError: reason };
  }
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
