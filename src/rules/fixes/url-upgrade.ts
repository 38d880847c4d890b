/**
 * The http→https (and git://→git+https://) fix for URLs written in Nix files, extended to
 * flake.lock so the lock still matches flake.nix. Shared by NH012 and NH023.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TextEdit } from '../../core/text-edit.js';
import { replaceJsonValue } from '../../edit/json-edits.js';
import type { ConfigModel, FileModel } from '../../model/types.js';
import { httpsUpgrade } from './https-hosts.js';
import type { FixProposal } from '../types.js';

/** The scheme-upgrade fix for a flake input, extended to its flake.lock entry; shared with NH012. */
export function inputUpgradeFix(file: FileModel, model: ConfigModel, inputName: string, url: string, span: { startOffset: number; endOffset: number }): FixProposal | undefined {
  const fix = upgradeFix(file, url, span);
  if (!fix) return undefined;
  const inLock = lockEdits(file, model, inputName);
  if (!inLock) return undefined;
  return { ...fix, description: inLock.length ? `${fix.description}, here and in flake.lock` : fix.description, edits: [...fix.edits, ...inLock] };
}

/** The scheme-upgrade fix, when the URL is written literally inside the span and its host serves https. */
export function upgradeFix(file: FileModel, url: string, span: { startOffset: number; endOffset: number }): FixProposal | undefined {
  const upgraded = httpsUpgrade(url);
  if (!upgraded) return undefined;
  const text = file.text.slice(span.startOffset, span.endOffset);
  const at = text.indexOf(url);
  if (at < 0 || text.indexOf(url, at + 1) >= 0) return undefined;
  const start = span.startOffset + at;
  return {
    description: `use ${upgraded.split('://')[0]}:// (the host serves it)`,
    edits: [{ file: file.file, startOffset: start, endOffset: start + url.length, replacement: upgraded }],
  };
}

/** The lock's `url` spelling: type "git" nodes drop the `git+` prefix. */
function lockUrlUpgrade(url: string, type: unknown): string | undefined {
  const up = httpsUpgrade(url);
  return up && type === 'git' && !/^git\+/.test(url) ? up.replace(/^git\+/, '') : up;
}

/**
 * The same upgrade in flake.lock's entry for this input (original.url and locked.url), so the
 * lock still matches flake.nix and Nix does not re-lock. Undefined when a lock exists on disk
 * but was not scanned: editing flake.nix alone would put the two out of step.
 */
function lockEdits(file: FileModel, model: ConfigModel, input: string): TextEdit[] | undefined {
  const dir = path.dirname(file.absPath);
  const lock = model.files.find((f) => f.kind === 'flake.lock' && path.dirname(f.absPath) === dir);
  if (!lock) return fs.existsSync(path.join(dir, 'flake.lock')) ? undefined : [];
  const node = lock.lockNodes?.find((n) => n.direct && n.inputPath.length === 1 && n.inputPath[0] === input);
  if (!node) return [];
  const edits: TextEdit[] = [];
  for (const [fields, spans] of [
    [node.original, node.originalSpans],
    [node.locked, node.lockedSpans],
  ] as const) {
    const url = fields?.get('url');
    const span = spans.get('url');
    if (typeof url !== 'string' || !span) continue;
    const up = lockUrlUpgrade(url, fields?.get('type'));
    if (up) edits.push(replaceJsonValue(lock.file, lock.text, { start: span.startOffset, end: span.endOffset }, up));
  }
  return edits;
}
