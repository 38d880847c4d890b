/**
 * Views of a file's settings for the rules and their fixes: every origin (nix.settings,
 * deprecated options, extraOptions, nix.conf, flake nixConfig, command-line flags found
 * in strings) as one shape, with each value split into words that carry exact spans.
 * Values the model could not resolve are `unknown`, so a check can stay silent rather
 * than guess.
 */
import { LineIndex, type Span } from '../core/span.js';
import { canonicalKey, nixBool } from './setting-names.js';
import type { Assignment, FileModel, SettingOrigin, StaticValue, Wrapper } from './types.js';

/** A word of a setting's value (one substituter, one key, one user) and where it is written. */
export interface Word {
  text: string;
  span: Span;
}

/** A setting from any origin, including `--option k v` style command-line flags found in strings. */
export interface SettingView {
  /** Canonical nix.conf name without `extra-`, aliases resolved (binary-caches → substituters). */
  key: string;
  append: boolean;
  origin: SettingOrigin | 'command-line-flag';
  optionName: string;
  /** Known words; empty with `unknown: true` when the value cannot be read statically. */
  words: Word[];
  /** True when some or all of the value is unknown. */
  unknown: boolean;
  span: Span;
  keySpan: Span;
  wrappers: Wrapper[];
  /** The value as the model read it (a Nix bool, a string literal, …); absent for command-line flags. */
  value?: StaticValue;
}

const lineIndexes = new WeakMap<FileModel, LineIndex>();
export function lineIndex(file: FileModel): LineIndex {
  let idx = lineIndexes.get(file);
  if (!idx) {
    idx = new LineIndex(file.text);
    lineIndexes.set(file, idx);
  }
  return idx;
}

export function spanAt(file: FileModel, start: number, end: number): Span {
  return lineIndex(file).span(file.file, start, end);
}

/**
 * Splits a value into words. Strings are split on whitespace (nix.conf semantics);
 * each word's span is found in the source text inside the value's span, falling back
 * to the whole value when escapes make the literal differ from the value.
 */
export function valueWords(file: FileModel, value: StaticValue): { words: Word[]; unknown: boolean } {
  const words: Word[] = [];
  let unknown = false;
  const visit = (v: StaticValue): void => {
    switch (v.kind) {
      case 'string': {
        let cursor = v.span.startOffset;
        for (const w of v.value.split(/\s+/).filter(Boolean)) {
          const at = file.text.indexOf(w, cursor);
          if (at >= 0 && at + w.length <= v.span.endOffset) {
            words.push({ text: w, span: spanAt(file, at, at + w.length) });
            cursor = at + w.length;
          } else {
            words.push({ text: w, span: v.span });
          }
        }
        break;
      }
      case 'path':
        words.push({ text: v.value, span: v.span });
        break;
      case 'bool':
        words.push({ text: String(v.value), span: v.span });
        break;
      case 'int':
        words.push({ text: String(v.value), span: v.span });
        break;
      case 'list':
        v.items.forEach(visit);
        break;
      case 'null':
        break;
      case 'attrs':
      case 'unknown':
        unknown = true;
        break;
    }
  };
  visit(value);
  return { words, unknown };
}

/**
 * true/false when the value is statically a boolean as Nix reads it (a Nix bool, or a word:
 * `true`/`yes`/`1`, `false`/`no`/`0`; `sandbox` takes only `true`/`false`), else undefined.
 */
export function boolOf(view: SettingView): boolean | undefined {
  if (view.unknown || view.words.length !== 1) return undefined;
  return nixBool(view.key, view.words[0]!.text);
}

const viewCache = new WeakMap<FileModel, SettingView[]>();

/** Every setting of the file, from nix.settings, deprecated options, extraOptions, nixConfig, nix.conf and flags. */
export function settingViews(file: FileModel): SettingView[] {
  // Most rules ask for settings; compute them once per file.
  const cached = viewCache.get(file);
  if (cached) return cached;
  const views: SettingView[] = file.settings.map((s) => {
    const { key, append } = canonicalKey(s.key);
    const { words, unknown } = valueWords(file, s.value);
    return { key, append: append || s.append, origin: s.origin, optionName: s.optionName, words, unknown, span: s.span, keySpan: s.keySpan, wrappers: s.wrappers, value: s.value };
  });
  const all = views.concat(flagSettings(file));
  viewCache.set(file, all);
  return all;
}

export function settingsFor(file: FileModel, ...keys: string[]): SettingView[] {
  return settingViews(file).filter((v) => keys.includes(v.key));
}

/** Boolean settings that the Nix CLI also accepts as `--name` / `--no-name`. */
const BOOL_FLAGS = ['accept-flake-config', 'require-sigs', 'sandbox', 'sandbox-fallback', 'allow-unsafe-native-code-during-evaluation'];
/** `--option k v`, per-setting flags such as `--extra-substituters URL`, and `--[no-]<bool>`. */
const FLAG_RE = new RegExp(
  String.raw`--(?:option|extra-option)"?\s+"?(?<optKey>[A-Za-z][\w-]*)"?\s+"?(?<optVal>[^\s"']+)` +
    String.raw`|--(?<listKey>(?:extra-)?(?:substituters|trusted-substituters|trusted-public-keys))"?\s+"?(?<listVal>[^\s"'-][^\s"']*)` +
    String.raw`|--(?<no>no-)?(?<boolKey>${BOOL_FLAGS.join('|')})(?![\w-])`,
  'g',
);

const commentCache = new WeakMap<FileModel, [number, number][]>();

/** Offset ranges of the file's comments (`#` and block comments), from the model's comment list. */
export function commentRanges(file: FileModel): [number, number][] {
  let ranges = commentCache.get(file);
  if (ranges) return ranges;
  const lineStarts = [0];
  for (let i = 0; i < file.text.length; i++) if (file.text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  ranges = [];
  for (const c of file.comments) {
    const at = file.text.indexOf(c.text, lineStarts[c.line - 1] ?? file.text.length);
    if (at >= 0) ranges.push([at, at + c.text.length]);
  }
  commentCache.set(file, ranges);
  return ranges;
}

export function inComment(file: FileModel, offset: number): boolean {
  return commentRanges(file).some(([s, e]) => offset >= s && offset < e);
}

/** Prose options (`description`, `longDescription`) mention flags without passing them. */
function inProse(file: FileModel, offset: number): boolean {
  return file.assignments.some(
    (a) => /description$/i.test(a.path[a.path.length - 1] ?? '') && offset >= a.value.span.startOffset && offset < a.value.span.endOffset,
  );
}

/** A Nix command word: `nix`, `nix-build`, `nixos-rebuild`, `darwin-rebuild`, `home-manager`, `nh`, also as `…/bin/nix-build`. */
const NIX_COMMAND = /(?<=^|[\s"'(;|&`/])(?:nix(?:-[a-z]+(?:-[a-z]+)*)?|nixos-(?:rebuild|install)|darwin-rebuild|home-manager|nh)(?=[\s"'])/g;

const commandLineCache = new WeakMap<FileModel, { lineStarts: number[]; commands: number[] }>();

/** Where each command line starts (after a newline that no `\` continues) and where Nix commands are written. */
function commandLines(file: FileModel): { lineStarts: number[]; commands: number[] } {
  let c = commandLineCache.get(file);
  if (c) return c;
  const lineStarts = [0];
  let prev = 0;
  for (let nl = file.text.indexOf('\n'); nl >= 0; nl = file.text.indexOf('\n', nl + 1)) {
    if (!/\\[ \t]*\r?$/.test(file.text.slice(Math.max(prev, nl - 8), nl))) lineStarts.push(nl + 1);
    prev = nl + 1;
  }
  const commands = [...file.text.matchAll(NIX_COMMAND)].map((m) => m.index!);
  c = { lineStarts, commands };
  commandLineCache.set(file, c);
  return c;
}

/** The last element of a sorted array that is <= x, or -1. */
function lastAtMost(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) {
      found = sorted[mid]!;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Is the flag at `offset` passed to a Nix command: one earlier on its command line, or a value of `system.autoUpgrade`? */
function onNixCommandLine(file: FileModel, offset: number): boolean {
  const { lineStarts, commands } = commandLines(file);
  if (lastAtMost(commands, offset - 1) >= lastAtMost(lineStarts, offset)) return true;
  return file.assignments.some((a) => a.path.includes('autoUpgrade') && offset >= a.value.span.startOffset && offset < a.value.span.endOffset);
}

/**
 * Nix options set on command lines written anywhere in a .nix file: lists such as
 * `system.autoUpgrade.flags = [ "--option" "sandbox" "false" ]` (also in `let`
 * bindings, which are not assignments) and scripts such as
 * `nixos-rebuild switch --accept-flake-config`. Comments and descriptions are skipped.
 */
export function flagSettings(file: FileModel): SettingView[] {
  if (file.kind !== 'nix') return [];
  const out: SettingView[] = [];
  for (const m of file.text.matchAll(FLAG_RE)) {
    const at = m.index!;
    if (inComment(file, at) || inProse(file, at)) continue;
    const g = m.groups!;
    // `--no-sandbox` is also Chromium's and Electron's flag (`makeWrapper … --add-flags "--no-sandbox"`):
    // it is Nix's only on a Nix command line or in system.autoUpgrade's flags.
    if (g.boolKey === 'sandbox' && !onNixCommandLine(file, at)) continue;
    const span = spanAt(file, at, at + m[0].length);
    const rawKey = g.optKey ?? g.listKey ?? g.boolKey!;
    const value = g.optVal ?? g.listVal ?? (g.no ? 'false' : 'true');
    const { key, append } = canonicalKey(rawKey);
    out.push({
      key,
      append,
      origin: 'command-line-flag',
      optionName: m[0].replace(/"/g, '').replace(/\s+/g, ' '),
      words: [{ text: value, span }],
      unknown: false,
      span,
      keySpan: span,
      wrappers: [],
    });
  }
  return out;
}

/** Every literal string in the file's assignments (recursing into lists and attrsets), each once. */
export function stringLiterals(file: FileModel): { value: string; span: Span; assignment: Assignment }[] {
  const out: { value: string; span: Span; assignment: Assignment }[] = [];
  const seen = new Set<number>();
  const visit = (v: StaticValue, a: Assignment): void => {
    if (v.kind === 'string') {
      if (!seen.has(v.span.startOffset)) {
        seen.add(v.span.startOffset);
        out.push({ value: v.value, span: v.span, assignment: a });
      }
    } else if (v.kind === 'list') v.items.forEach((i) => visit(i, a));
    else if (v.kind === 'attrs') for (const e of v.entries.values()) visit(e, a);
  };
  for (const a of file.assignments) visit(a.value, a);
  return out;
}
