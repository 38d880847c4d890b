/** Rewrites of pins in JSON: flake.lock nodes and niv / npins sources.json entries. */
import { UserError } from '../../core/errors.js';
import type { Span } from '../../core/span.js';
import { insertJsonKeyAfter, replaceJsonValue } from '../../edit/json-edits.js';
import type { TextEdit } from '../../core/text-edit.js';
import type { LockNode, SourcesEntry } from '../../model/types.js';
import type { Pin } from '../../model/pin-types.js';
import { formatHash, hashStyleOf, type PinTarget } from './target.js';

const off = (s: Span) => ({ start: s.startOffset, end: s.endOffset });

/** Sets `key` in an object whose members' value spans are `spans`: replace it, or add it after `after`. */
function setMember(pin: Pin, spans: Map<string, Span>, key: string, value: unknown, after: string[]): TextEdit {
  const { file, text } = pin.model;
  const at = spans.get(key);
  if (at) return replaceJsonValue(file, text, off(at), value);
  const anchorKey = after.find((k) => spans.has(k));
  if (!anchorKey) throw new UserError(`cannot pin ${pin.kind} ${pin.name}: no place to add "${key}"`, undefined, pin.file, pin.line);
  return insertJsonKeyAfter(file, text, memberSpan(text, anchorKey, spans.get(anchorKey)!), key, value);
}

/** From a member's key quote to the end of its value. */
function memberSpan(text: string, key: string, value: Span): { start: number; end: number } {
  const start = text.lastIndexOf(JSON.stringify(key), value.startOffset);
  return { start, end: value.endOffset };
}

/** The span of the object value of `"name": {…}` inside a node span (strings are skipped when matching braces). */
function objectSpan(text: string, within: Span, name: string): { start: number; end: number } | undefined {
  const k = text.indexOf(`${JSON.stringify(name)}`, within.startOffset);
  if (k < 0 || k > within.endOffset) return undefined;
  const open = text.indexOf('{', k);
  let depth = 0;
  for (let i = open; i < within.endOffset; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return { start: open, end: i + 1 };
  }
  return undefined;
}

/**
 * flake.lock: locked.rev / narHash / lastModified; with `pinOriginal` (the
 * flake.nix input is rewritten to the rev in the same run) `original` becomes
 * `{ owner, repo, rev, type }` so Nix sees the lock matches the input.
 */
export function rewriteLockNode(pin: Pin, node: LockNode, t: PinTarget, pinOriginal: boolean): TextEdit[] {
  const edits: TextEdit[] = [];
  const order = ['lastModified', 'narHash', 'owner', 'repo', 'rev', 'type'];
  edits.push(setMember(pin, node.lockedSpans, 'rev', t.rev, ['repo', 'owner', 'narHash']));
  edits.push(setMember(pin, node.lockedSpans, 'narHash', formatHash(t.nar, 'sri'), ['lastModified']));
  if (t.lastModified !== undefined) edits.push(setMember(pin, node.lockedSpans, 'lastModified', t.lastModified, order));
  if (pinOriginal && node.original) {
    const span = objectSpan(pin.model.text, node.span, 'original');
    if (!span) throw new UserError(`cannot pin flake.lock node ${pin.name}: no "original" object`, undefined, pin.file, pin.line);
    const next: Record<string, unknown> = {};
    const merged = new Map(node.original);
    merged.delete('ref');
    merged.set('rev', t.rev);
    for (const k of [...merged.keys()].sort()) next[k] = merged.get(k);
    edits.push(replaceJsonValue(pin.model.file, pin.model.text, span, next));
  }
  return edits;
}

/** niv: rev, sha256, url. npins: revision, url, hash. */
export function rewriteSourcesEntry(pin: Pin, entry: SourcesEntry, t: PinTarget): TextEdit[] {
  const s = entry.fieldSpans;
  const str = (k: string) => (typeof entry.fields.get(k) === 'string' ? (entry.fields.get(k) as string) : undefined);
  if (entry.tool === 'niv') {
    return [
      setMember(pin, s, 'rev', t.rev, ['repo', 'owner', 'branch']),
      setMember(pin, s, 'sha256', formatHash(t.nar, hashStyleOf(str('sha256'), 'base32')), ['rev']),
      setMember(pin, s, 'url', t.archiveUrl, ['type', 'sha256']),
    ];
  }
  return [
    setMember(pin, s, 'revision', t.rev, ['submodules', 'branch']),
    setMember(pin, s, 'url', t.archiveUrl, ['revision']),
    setMember(pin, s, 'hash', formatHash(t.nar, hashStyleOf(str('hash'), 'sri')), ['url']),
  ];
}
