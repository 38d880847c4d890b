/** Rewrites of pins written in Nix: flake.nix inputs and fetcher calls. */
import { UserError } from '../../core/errors.js';
import type { TextEdit } from '../../core/text-edit.js';
import type { FetchCall, FlakeInput, StaticValue } from '../../model/types.js';
import type { Pin } from '../../model/pin-types.js';
import { bindingEnd, newBindingText, nixString, refCommentEdits, replaceValue, type RefComment } from './nix-text.js';
import { formatHash, hashStyleOf, type PinTarget } from './target.js';

function refuse(pin: Pin, why: string): never {
  throw new UserError(`cannot pin ${pin.kind} ${pin.name}: ${why}`, undefined, pin.file, pin.line);
}

function stringArg(v: StaticValue | undefined): (StaticValue & { kind: 'string' }) | undefined {
  return v?.kind === 'string' ? v : undefined;
}

/** What the comment beside a rewritten rev names. */
function refOf(t: PinTarget): RefComment {
  return t.tag !== undefined ? { label: 'tag', name: t.tag } : { label: 'branch', name: t.branch };
}

/**
 * `url = "github:O/R/<rev>"; # branch: B`, or in the attribute form
 * (`{ type = "github"; owner = …; repo = …; ref = B; }`) `ref = B` becomes
 * `rev = "<rev>"; # branch: B`. Nix does not take both `ref` and `rev` on a
 * github input (NixOS/nix#14655), so the branch lives on in the comment.
 */
export function rewriteFlakeInput(pin: Pin, input: FlakeInput, t: PinTarget): TextEdit[] {
  const text = pin.model.text;
  const url = stringArg(input.url);
  if (url) {
    if (input.attrs.has('type')) refuse(pin, 'an input with both `type` and `url` cannot be rewritten; edit it by hand');
    return [replaceValue(url.span, `github:${t.repo.owner}/${t.repo.repo}/${t.rev}`), ...commentAfter(pin, text, url.span.endOffset, refOf(t))];
  }
  if (input.url) refuse(pin, 'its `url` is not a plain string');
  if (stringArg(input.attrs.get('type'))?.value !== 'github') refuse(pin, 'only `url = "…"` inputs and `type = "github"` attribute sets can be rewritten');
  for (const k of ['owner', 'repo']) if (!stringArg(input.attrs.get(k))) refuse(pin, `\`${k}\` is not a plain string`);
  const rev = input.attrs.get('rev');
  if (rev) {
    if (!stringArg(rev)) refuse(pin, '`rev` is not a plain string');
    if (input.attrs.has('ref')) refuse(pin, 'it names both `ref` and `rev`, which Nix refuses for github inputs; keep one');
    return [replaceValue(rev.span, t.rev), ...commentAfter(pin, text, rev.span.endOffset, refOf(t))];
  }
  const ref = input.attrs.get('ref');
  if (ref) {
    if (!stringArg(ref)) refuse(pin, '`ref` is not a plain string');
    const start = bindingStart(text, ref);
    const edit: TextEdit = { file: pin.model.file, startOffset: start, endOffset: ref.span.endOffset, replacement: `rev = ${nixString(t.rev)}` };
    return [edit, ...commentAfter(pin, text, ref.span.endOffset, refOf(t))];
  }
  // No ref (the default branch, named by --branch): a new `rev` line after `repo`.
  const repo = input.attrs.get('repo')!;
  const semi = bindingEnd(text, repo.span.endOffset);
  if (semi === undefined) refuse(pin, 'cannot find the end of the `repo` binding');
  const line = `${newBindingText(text, bindingStart(text, repo), 'rev', t.rev)} # ${refOf(t).label}: ${refOf(t).name}`;
  return [{ file: pin.model.file, startOffset: semi, endOffset: semi, replacement: line }];
}

function commentAfter(pin: Pin, text: string, valueEnd: number, ref: RefComment, extra = ''): TextEdit[] {
  const semi = bindingEnd(text, valueEnd);
  if (semi === undefined) return extra ? refuse(pin, 'cannot find the end of the binding') : [];
  const c = refCommentEdits(pin.model.file, text, semi, ref);
  const file = pin.model.file;
  // A new binding goes on the next line, after any comment that ends this one.
  if (c.insertAtEnd) return [...c.edits, { file, startOffset: semi, endOffset: semi, replacement: `${c.insertAtEnd}${extra}` }];
  return [...c.edits, ...(extra ? [{ file, startOffset: c.lineEnd, endOffset: c.lineEnd, replacement: extra }] : [])];
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
        return [...edits, ...commentAfter(pin, text, url.span.endOffset, refOf(t))];
      }
      return [...edits, ...commentAfter(pin, text, url.span.endOffset, refOf(t), newBindingText(text, bindingStart(text, url), hashKey, value))];
    }
    case 'fetchFromGitHub': {
      const tag = a('tag');
      // `tag = "v1.2"` resolved to its commit: `rev = "<rev>"; # tag: v1.2` (nixpkgs refuses both `tag` and `rev`).
      const anchor = stringArg(a('rev')) ?? (t.tag !== undefined && !a('rev') ? stringArg(tag) : undefined);
      if (!anchor) refuse(pin, tag && !a('rev') ? 'pinned by `tag`, which only a tag pin may replace' : 'no plain `rev = "…"` to rewrite');
      if (a('rev') && tag) refuse(pin, 'it names both `rev` and `tag`; keep one');
      const hashKey = a('hash') ? 'hash' : a('sha256') ? 'sha256' : 'hash';
      const existing = a(hashKey);
      const value = formatHash(t.nar, hashStyleOf(stringArg(existing)?.value, hashKey === 'hash' ? 'sri' : 'base32'));
      const edits: TextEdit[] =
        anchor === tag
          ? [{ file, startOffset: bindingStart(text, anchor), endOffset: anchor.span.endOffset, replacement: `rev = ${nixString(t.rev)}` }]
          : [replaceValue(anchor.span, t.rev)];
      if (existing) {
        if (!stringArg(existing)) refuse(pin, `${hashKey} is not a plain string`);
        edits.push(replaceValue(existing.span, value));
        return [...edits, ...commentAfter(pin, text, anchor.span.endOffset, refOf(t))];
      }
      return [...edits, ...commentAfter(pin, text, anchor.span.endOffset, refOf(t), newBindingText(text, bindingStart(text, anchor), hashKey, value))];
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
