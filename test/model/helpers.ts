import fs from 'node:fs';
import path from 'node:path';
import type { Span } from '../../src/core/span.js';
import { buildFileModel } from '../../src/model/index.js';
import { kindOfPath } from '../../src/discover/kind.js';
import type { FileModel, StaticValue } from '../../src/model/types.js';

export const fixturesDir = path.resolve(process.cwd(), 'fixtures', 'model');

/** Models one fixture file, shown as its path relative to fixtures/model. */
export function modelFixture(rel: string): FileModel {
  const absPath = path.join(fixturesDir, rel);
  return buildFileModel({ file: rel, absPath, text: fs.readFileSync(absPath, 'utf8'), kind: kindOfPath(absPath)! });
}

/** Models inline text as if it were the file `name`. */
export function modelText(text: string, name = 'test.nix'): FileModel {
  return buildFileModel({ file: name, absPath: path.join('/virtual', name), text, kind: kindOfPath(name)! });
}

/** "L:C-L:C" of a span, for compact assertions. */
export function at(s: Span): string {
  return `${s.startLine}:${s.startColumn}-${s.endLine}:${s.endColumn}`;
}

/** A StaticValue as plain JSON-ish data (no spans), for readable assertions. */
export function plain(v: StaticValue | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'list':
      return v.items.map(plain);
    case 'attrs':
      return Object.fromEntries([...v.entries].map(([k, x]) => [k, plain(x)]));
    case 'null':
      return null;
    case 'unknown':
      return { unknown: v.text };
    case 'path':
      return { path: v.value };
    default:
      return v.value;
  }
}

/** The text a span covers in `text`. */
export function sliceOf(text: string, s: Span): string {
  return text.slice(s.startOffset, s.endOffset);
}
