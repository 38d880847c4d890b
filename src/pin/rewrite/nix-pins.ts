/** Rewrites of pins written in Nix: flake.nix inputs and fetcher calls. */
import { UserError } from '../../core/errors.js';
import type { TextEdit } from '../../core/text-edit.js';
import type { FetchCall, FlakeInput, StaticValue } from '../../model/types.js';
import type { Pin } from '../../model/pin-types.js';
import { bindingEnd, branchCommentEdits, newBindingText, nixString, replaceValue } from './nix-text.js';
import { formatHash, hashStyleOf, type PinTarget } from './target.js';

function refuse(pin: Pin, why: string): never {
  throw new UserError(`cannot pin ${pin.kind} ${pin.name}: ${why}`, undefined, pin.file, pin.line);
}

function stringArg(v: StaticValue | undefined): (StaticValue & { kind: 'string' }) | undefined {
  return v?.kind === 'string' ? v : undefined;
}

/** `url = "github:O/R/<rev>"; # branch: B` */
export function rewriteFlakeInput(pin: Pin, input: FlakeInput, t: PinTarget): TextEdit[] {
  const url = stringArg(input.url);
  if (!url) refuse(pin, 'only inputs written as `url = "…"` can be rewritten');
  const text = pin.model.text;
  const edits = [replaceValue(url.span, `github:${t.repo.owner}/${t.repo.repo}/${t.rev}`)];
  return [...edits, ...commentAfter(pin, text, url.span.endOffset, t.branch)];
}

function commentAfter(pin: Pin, text: string, valueEnd: number, branch: string, extra = ''): TextEdit[] {
  const semi = bindingEnd(text, valueEnd);
  if (semi === undefined) return extra ? refuse(pin, 'cannot find the end of the binding') : [];
  const c = branchCommentEdits(pin.model.file, text, semi, branch);
  const insert = `${c.insertAtEnd}${extra}`;
  return [...c.edits, ...(insert ? [{ file: pin.model.file, startOffset: semi, endOffset: semi, replacement: insert }] : [])];
}

/** The binding that holds `value` starts at its attribute name: back up over `name =`. */
function bindingStart(text: string, value: StaticValue): number {
  const lineStart = text.lastIndexOf('\n', value.span.startOffset - 1) + 1;
  const m = /[A-Za-z_][A-Za-z0-9_'-]*\s*=\s*$/.exec(text.slice(lineStart, value.span.startOffset));
  return m ? lineStart + m.index : value.span.startOffset;
}

export function rewriteFetch(pin: Pin, call: FetchCall, t: PinTarget): TextEdit[] {
  const text = pin.model.text;
  const file = pin.model.file;
  const a = (k: string) => call.args.get(k);
  switch (call.fetcher) {
    case 'fetchTarball':
    case 'fetchurl':
    case 'fetchzip': {
      const hash = call.fetcher === 'fetchurl' ? t.flat : t.nar;
      if (!hash) refuse(pin, 'fetchurl pins the archive bytes: they can only be hashed from a download, not from --repo');
      const url = stringArg(a('url'));
      if (!url) refuse(pin, 'the URL is not a plain string');
      const hashKey = a('hash') ? 'hash' : a('sha256') ? 'sha256' : call.fetcher === 'fetchTarball' ? 'sha256' : 'hash';
      const existing = a(hashKey);
      const style = hashStyleOf(stringArg(existing)?.value, hashKey === 'hash' ? 'sri' : 'base32');
      const value = formatHash(hash, style);
      if (url.span.startOffset === call.argSpan.startOffset) {
        // `fetchTarball "https://…"`: becomes the attribute-set form that can carry a hash.
        return [{ file, startOffset: url.span.startOffset, endOffset: url.span.endOffset, replacement: `{ url = ${nixString(t.archiveUrl)}; ${hashKey} = ${nixString(value)}; }` }];
      }
      const edits = [replaceValue(url.span, t.archiveUrl)];
      if (existing) {
        if (!stringArg(existing)) refuse(pin, `${hashKey} is not a plain string`);
        edits.push(replaceValue(existing.span, value));
        return [...edits, ...commentAfter(pin, text, url.span.endOffset, t.branch)];
      }
      return [...edits, ...commentAfter(pin, text, url.span.endOffset, t.branch, newBindingText(text, bindingStart(text, url), hashKey, value))];
    }
    case 'fetchFromGitHub': {
      const rev = stringArg(a('rev'));
      if (!rev) refuse(pin, a('tag') ? 'pinned by `tag`; replace it with `rev` by hand' : 'no plain `rev = "…"` to rewrite');
      const hashKey = a('hash') ? 'hash' : a('sha256') ? 'sha256' : 'hash';
      const existing = a(hashKey);
      const value = formatHash(t.nar, hashStyleOf(stringArg(existing)?.value, hashKey === 'hash' ? 'sri' : 'base32'));
      const edits = [replaceValue(rev.span, t.rev)];
      if (existing) {
        if (!stringArg(existing)) refuse(pin, `${hashKey} is not a plain string`);
        edits.push(replaceValue(existing.span, value));
        return [...edits, ...commentAfter(pin, text, rev.span.endOffset, t.branch)];
      }
      return [...edits, ...commentAfter(pin, text, rev.span.endOffset, t.branch, newBindingText(text, bindingStart(text, rev), hashKey, value))];
    }
    case 'fetchGit':
    case 'fetchgit':
    case 'fetchTree': {
      // The ref (if any) stays: fetchGit checks the rev is on it. Only the rev is pinned.
      const rev = stringArg(a('rev'));
      if (rev) return [replaceValue(rev.span, t.rev)];
      if (a('rev')) refuse(pin, '`rev` is not a plain string');
      const anchor = stringArg(a('ref')) ?? stringArg(a('url'));
      if (!anchor) refuse(pin, 'no `url` or `ref` binding to add `rev` after');
      const semi = bindingEnd(text, anchor.span.endOffset);
      if (semi === undefined) refuse(pin, 'cannot find the end of the binding');
      return [{ file, startOffset: semi, endOffset: semi, replacement: newBindingText(text, bindingStart(text, anchor), 'rev', t.rev) }];
    }
    default:
      refuse(pin, `${call.fetcher} is not supported yet`);
  }
}
