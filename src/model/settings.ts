/**
 * Nix settings (nix.conf keys) from every place they can be written:
 * `nix.settings.<key>`, the deprecated NixOS options, `nix.extraOptions`
 * strings, a flake's `nixConfig`, and standalone nix.conf files.
 */
import type { Span } from '../core/span.js';
import type { LineIndex } from '../core/span.js';
import type { ConfLine, ParsedConf } from '../syntax/nixconf.js';
import type { DecodedString } from './nix-strings.js';
import type { Assignment, Setting, SettingOrigin, StaticValue, Wrapper } from './types.js';
import { DEPRECATED_OPTIONS } from './setting-names.js';
import { nestedSystem } from './nested-systems.js';

/** One `nix.extraOptions` string, decoded and parsed as nix.conf. */
export interface ExtraOptionsSource {
  optionPath: string[];
  decoded: DecodedString;
  conf: ParsedConf;
  stringSpan: Span;
  bindingSpan: Span;
  keySpan: Span;
  wrappers: Wrapper[];
}

export function stripUserPrefix(p: string[]): string[] {
  return nestedSystem(p).path;
}

function within(inner: Span, outer: Span): boolean {
  return inner.startOffset >= outer.startOffset && inner.endOffset <= outer.endOffset;
}

export function settingsFromAssignments(assignments: Assignment[], extraOptions: ExtraOptionsSource[], lines: LineIndex, file: string, nixConfigSpans: Span[]): Setting[] {
  const out: Setting[] = [];
  for (const a of assignments) {
    const p = stripUserPrefix(a.path);
    if (p[0] !== 'nix' && p[0] !== 'determinateNix' && a.path[0] !== 'nixConfig') continue;
    const setting = (key: string, origin: SettingOrigin): Setting => ({
      key,
      append: key.startsWith('extra-'),
      origin,
      optionName: a.path.join('.'),
      value: a.value,
      span: a.span,
      keySpan: a.keySpan,
      wrappers: a.wrappers,
    });
    // Determinate Nix's NixOS / nix-darwin module writes `customSettings` into nix.custom.conf.
    if (p.length === 3 && ((p[0] === 'nix' && p[1] === 'settings') || (p[0] === 'determinateNix' && p[1] === 'customSettings'))) {
      out.push(setting(p[2]!, 'nix.settings'));
    } else if (p.length === 2 && p[0] === 'nix' && Object.prototype.hasOwnProperty.call(DEPRECATED_OPTIONS, p[1]!)) {
      out.push(setting(DEPRECATED_OPTIONS[p[1]!]!, 'deprecated-option'));
    } else if (a.path.length === 2 && a.path[0] === 'nixConfig' && nixConfigSpans.some((s) => within(a.span, s))) {
      out.push(setting(a.path[1]!, 'nixConfig'));
    }
  }
  for (const src of extraOptions) out.push(...settingsFromExtraOptions(src, lines, file));
  out.sort((x, y) => x.span.startOffset - y.span.startOffset || x.keySpan.startOffset - y.keySpan.startOffset);
  return out;
}

/** Maps offsets of the decoded string back to the file. */
function mapper(d: DecodedString, lines: LineIndex, file: string): (s: number, e: number) => Span {
  const startOf = (i: number): number => d.offsets[Math.min(i, d.offsets.length - 1)]!;
  const endOf = (i: number): number => (i <= 0 ? startOf(0) : d.ends[i - 1]!);
  return (s, e) => {
    const so = startOf(s);
    return lines.span(file, so, Math.max(so, endOf(e)));
  };
}

function settingsFromExtraOptions(src: ExtraOptionsSource, lines: LineIndex, file: string): Setting[] {
  const map = mapper(src.decoded, lines, file);
  const out: Setting[] = [];
  for (const line of src.conf.lines) {
    const s = confLineSetting(line, map, 'extraOptions', src.wrappers, src.decoded.value);
    if (s) out.push(s);
  }
  return out;
}

/** A nix.conf `key = words…` line as a Setting; include lines and broken lines give none. */
export function confLineSetting(line: ConfLine, map: (s: number, e: number) => Span, origin: 'extraOptions' | 'nix.conf', wrappers: Wrapper[], text: string): Setting | undefined {
  if (line.kind !== 'setting') return undefined;
  if (line.key.text.includes('\u0000')) return undefined; // `${name} = …`: can't tell which setting
  const key = line.key.text;
  const span = map(line.start, line.end);
  const keySpan = map(line.key.start, line.key.end);
  let value: StaticValue;
  if (line.unknown) {
    const vs = line.values.length ? line.values[0]!.start : line.key.end;
    const ve = line.values.length ? line.values[line.values.length - 1]!.end : line.key.end;
    value = { kind: 'unknown', span: map(vs, ve), text: text.slice(vs, ve).replace(/\u0000/g, '${…}') };
  } else {
    const items: StaticValue[] = line.values.map((w) => ({ kind: 'string', value: w.text, span: map(w.start, w.end) }));
    const listSpan = line.values.length ? map(line.values[0]!.start, line.values[line.values.length - 1]!.end) : map(line.end, line.end);
    value = { kind: 'list', items, span: listSpan };
  }
  return { key, append: key.startsWith('extra-'), origin, optionName: key, value, span, keySpan, wrappers: [...wrappers] };
}
