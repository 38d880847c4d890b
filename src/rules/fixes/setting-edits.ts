/**
 * Text edits for fixing Nix settings wherever they are written (nix.settings, deprecated
 * options, nix.extraOptions strings, nix.conf), computed from the model's exact spans.
 * Each helper returns undefined when the source text is not what the model says it is
 * (escapes, interpolation, a flag inside a script): no fix beats a guessed one.
 */
import { DEPRECATED_OPTIONS, NIX_CONF_ALIASES } from '../../model/setting-names.js';
import type { FileModel, StaticValue } from '../../model/types.js';
import type { TextEdit } from '../../core/text-edit.js';
import type { FixProposal } from '../types.js';
import type { SettingView, Word } from '../../model/setting-views.js';

function edit(file: FileModel, start: number, end: number, replacement: string): TextEdit {
  return { file: file.file, startOffset: start, endOffset: end, replacement };
}

/** True when the source text at the word's span is exactly the word (no escapes in between). */
export function literalWord(file: FileModel, w: Word): boolean {
  return file.text.slice(w.span.startOffset, w.span.endOffset) === w.text;
}

/**
 * The current name for a deprecated spelling, as an edit of the key text: `nix.useSandbox`
 * → `nix.settings.sandbox` (only the part written in this binding changes), `build-use-sandbox`
 * → `sandbox` in nix.conf and extraOptions. Undefined when the name is current.
 */
export function renameDeprecated(file: FileModel, view: SettingView): TextEdit | undefined {
  const keyText = file.text.slice(view.keySpan.startOffset, view.keySpan.endOffset);
  if (view.origin === 'deprecated-option') {
    const last = view.optionName.split('.').pop()!;
    const current = DEPRECATED_OPTIONS[last];
    if (!current) return undefined;
    const full = `nix.settings.${current}`;
    // The binding may spell the whole path (`nix.useSandbox`) or its tail inside `nix = { … }`.
    if (!view.optionName.endsWith(keyText) || !/^[A-Za-z_.]+$/.test(keyText)) return undefined;
    const prefix = view.optionName.slice(0, view.optionName.length - keyText.length);
    if (prefix !== '' && !prefix.endsWith('.')) return undefined;
    if (!full.startsWith(prefix)) return undefined;
    return edit(file, view.keySpan.startOffset, view.keySpan.endOffset, full.slice(prefix.length));
  }
  if (view.origin === 'nix.conf' || view.origin === 'extraOptions') {
    const extra = keyText.startsWith('extra-') ? 'extra-' : '';
    const current = NIX_CONF_ALIASES[keyText.slice(extra.length)];
    if (!current) return undefined;
    return edit(file, view.keySpan.startOffset, view.keySpan.endOffset, extra + current);
  }
  return undefined;
}

/**
 * Sets a boolean setting to `value` (and renames a deprecated spelling). Not for command-line flags.
 * In Nix code the whole literal becomes a Nix bool: `"relaxed"` → `true`, never `"true"`, which a
 * bool-typed option (or sandbox's bool-or-"relaxed") rejects. nix.conf text just gets the word.
 * Every such fix of one setting in a file is one group: all its definitions are fixed, or none.
 */
export function setBoolFix(file: FileModel, view: SettingView, value: boolean, description: string): FixProposal | undefined {
  if (view.origin === 'command-line-flag' || view.unknown || view.words.length !== 1) return undefined;
  const w = view.words[0]!;
  if (!literalWord(file, w)) return undefined;
  const span = view.origin === 'nix.conf' || view.origin === 'extraOptions' ? w.span : nixLiteralSpan(file, view.value, w);
  if (!span) return undefined;
  const edits = [edit(file, span.startOffset, span.endOffset, String(value))];
  const rename = renameDeprecated(file, view);
  if (rename) edits.push(rename);
  return { description, edits, group: view.key };
}

/** Where a Nix value holding just `w` is written: a bool, or a string literal that is exactly the word. */
function nixLiteralSpan(file: FileModel, v: StaticValue | undefined, w: Word): { startOffset: number; endOffset: number } | undefined {
  if (v?.kind === 'bool') return v.span;
  if (v?.kind !== 'string') return undefined;
  const source = file.text.slice(v.span.startOffset, v.span.endOffset);
  // `" relaxed"`, `"${x}relaxed"` or a concatenation would need more than one literal replaced: no fix.
  return source === `"${w.text}"` || source === `''${w.text}''` ? v.span : undefined;
}

/** Replaces one word of a setting's value (a URL, say) and renames a deprecated spelling. */
export function replaceWordEdits(file: FileModel, view: SettingView, w: Word, replacement: string): TextEdit[] | undefined {
  if (view.origin === 'command-line-flag' || !literalWord(file, w)) return undefined;
  const edits = [edit(file, w.span.startOffset, w.span.endOffset, replacement)];
  const rename = renameDeprecated(file, view);
  if (rename) edits.push(rename);
  return edits;
}

/** A store URL without its `trusted=1` query parameter (other parameters kept in order). */
export function withoutTrustedParam(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const params = url.slice(q + 1).split('&');
  const kept = params.filter((p) => !/^trusted=(?:1|true)$/i.test(p));
  if (kept.length === params.length) return undefined;
  return kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
}

/**
 * Removes one word from a setting's value. A word that is a whole string element of a Nix
 * list goes with its quotes, and with its line when it stands alone on it; a word inside a
 * string or a nix.conf line goes with the whitespace before it (or after it, when first).
 */
export function removeWordEdit(file: FileModel, view: SettingView, w: Word): TextEdit | undefined {
  if (view.origin === 'command-line-flag' || !literalWord(file, w)) return undefined;
  const t = file.text;
  // The last word of an `extra-…` line in nix.conf syntax: the line says nothing without it.
  if (view.append && view.words.length === 1 && (view.origin === 'nix.conf' || view.origin === 'extraOptions')) {
    const lineStart = t.lastIndexOf('\n', view.span.startOffset - 1) + 1;
    const nl = t.indexOf('\n', view.span.endOffset);
    if (nl >= 0 && /^[ \t]*$/.test(t.slice(lineStart, view.span.startOffset)) && /^[ \t]*$/.test(t.slice(view.span.endOffset, nl))) {
      return edit(file, lineStart, nl + 1, '');
    }
  }
  let start = w.span.startOffset;
  let end = w.span.endOffset;
  const quoted = t[start - 1] === '"' && t[end] === '"';
  if (quoted && (view.origin === 'nix.settings' || view.origin === 'deprecated-option' || view.origin === 'nixConfig')) {
    start -= 1;
    end += 1;
    const lineStart = t.lastIndexOf('\n', start - 1) + 1;
    const nl = t.indexOf('\n', end);
    const lineEnd = nl < 0 ? t.length : nl;
    // A trailing `# comment` on the element's own line describes it, so it goes too.
    if (/^[ \t]*$/.test(t.slice(lineStart, start)) && /^[ \t]*(?:#.*)?$/.test(t.slice(end, lineEnd)) && nl >= 0) {
      return edit(file, lineStart, lineEnd + 1, '');
    }
  }
  // Whitespace before (same line), else after.
  let s = start;
  while (s > 0 && (t[s - 1] === ' ' || t[s - 1] === '\t')) s--;
  const before = t[s - 1];
  if (s < start && before !== '=' && before !== '[' && before !== '"' && before !== '\n') return edit(file, s, end, '');
  let e = end;
  while (e < t.length && (t[e] === ' ' || t[e] === '\t')) e++;
  return edit(file, start, e, '');
}
