import fs from 'node:fs';
import path from 'node:path';
import { replaceJsonValue } from '../../edit/json-edits.js';
import type { Fix, TextEdit } from '../../core/text-edit.js';
import type { ConfigModel, FileModel } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { httpsUpgrade } from './https-hosts.js';
import { pinSites } from './pin-sites.js';
import { isLoopbackUrl } from './util.js';

/** git:// carries no integrity or authentication. Plain http(s) variants are NH012's. */
function insecureScheme(url: string): string | undefined {
  const m = /^(git):\/\//i.exec(url.trim());
  if (!m || isLoopbackUrl(url.trim())) return undefined;
  return m[1]!.toLowerCase();
}

/** The scheme-upgrade fix for a flake input, extended to its flake.lock entry; shared with NH012. */
export function inputUpgradeFix(file: FileModel, model: ConfigModel, inputName: string, url: string, span: { startOffset: number; endOffset: number }): Fix | undefined {
  const fix = upgradeFix(file, url, span);
  if (!fix) return undefined;
  const inLock = lockEdits(file, model, inputName);
  if (!inLock) return undefined;
  return { ...fix, description: inLock.length ? `${fix.description}, here and in flake.lock` : fix.description, edits: [...fix.edits, ...inLock] };
}

/** The scheme-upgrade fix, when the URL is written literally inside the span and its host serves https. */
export function upgradeFix(file: FileModel, url: string, span: { startOffset: number; endOffset: number }): Fix | undefined {
  const upgraded = httpsUpgrade(url);
  if (!upgraded) return undefined;
  const text = file.text.slice(span.startOffset, span.endOffset);
  const at = text.indexOf(url);
  if (at < 0 || text.indexOf(url, at + 1) >= 0) return undefined;
  const start = span.startOffset + at;
  return {
    tier: 'safe',
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

/** NH023: flake inputs, lock nodes and niv/npins entries fetched over git:// (NH012 covers http). */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  for (const site of pinSites(file)) {
    if (site.kind === 'fetch') continue; // NH012 covers fetcher calls
    const url = site.ref.url;
    if (!url) continue;
    const scheme = insecureScheme(url);
    if (!scheme) continue;
    const fix = site.kind === 'input' ? inputUpgradeFix(file, ctx.model, site.label.replace(/^flake input /, ''), url, site.span) : undefined;
    out.push({
      span: site.span,
      message: `${site.label} is fetched over ${scheme}://, which anyone on the network path can tamper with`,
      ...(fix ? { fix } : {}),
    });
  }
  return out;
};
