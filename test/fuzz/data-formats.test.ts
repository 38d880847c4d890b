/**
 * Fuzzing the parsers of nix.conf, JSON with positions, flake.lock and sources.json.
 * - nix.conf: every word and comment is where its offsets say; Nix's own reader
 *   (`nix show-config` over NIX_USER_CONF_FILES) rejects a file exactly when we find
 *   an illegal line in it.
 * - JSON: accepted exactly when JSON.parse accepts (a leading BOM and nesting past
 *   512 levels aside, both documented), the same value, and every node's and key's
 *   offsets slice out text that JSON.parse reads as that node; errors are UserErrors.
 * - flake.lock and sources.json models: never throw, whatever the structure, every
 *   span lies in the file, and a lock's follows cycles cost no more than a few ms.
 */
import fc from 'fast-check';
import { UserError } from '../../src/core/errors.js';
import { parseNixConf } from '../../src/syntax/nixconf.js';
import { jsonToValue, parseJsonWithPositions, type JsonNode } from '../../src/syntax/json-positions.js';
import { modelFlakeLock, modelNixConf, modelSources } from '../../src/model/data-files.js';
import type { FileModel } from '../../src/model/types.js';
import { describeWhen } from '../helpers/requires.js';
import { hasNix } from '../syntax/oracle.js';
import { fuzz, replayFixtures, type FuzzTarget } from './harness.js';
import { nixConfVerdicts, type ConfVerdict } from './oracles/nix-conf.js';

const fromFixture = (b: Buffer): string => b.toString('utf8');

/** Deletes, inserts or duplicates a few characters: malformed variants of a valid text. */
export function mutatedText(base: fc.Arbitrary<string>, alphabet: string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom(...alphabet), fc.nat({ max: 2 }));
  return fc.tuple(base, fc.array(edit, { maxLength: 3 })).map(([text, edits]) => {
    let t = text;
    for (const [at, token, kind] of edits) {
      const pos = at % (t.length + 1);
      if (kind === 0) t = t.slice(0, pos) + t.slice(pos + 1);
      else if (kind === 1) t = t.slice(0, pos) + token + t.slice(pos);
      else t = t.slice(0, pos) + t.slice(pos, pos + 4) + t.slice(pos);
    }
    return t;
  });
}

/** Every span of a model lies within its text. */
function spansInFile(m: FileModel): void {
  const n = m.text.length;
  const check = (s: { startOffset: number; endOffset: number } | undefined, what: string): void => {
    if (!s) return;
    if (!(s.startOffset >= 0 && s.startOffset <= s.endOffset && s.endOffset <= n)) throw new Error(`${what} span [${s.startOffset}, ${s.endOffset}) outside the file (${n})`);
  };
  for (const p of m.parseProblems) check(p.span, 'parse problem');
  for (const s of m.settings) check(s.span, 'setting');
  for (const node of m.lockNodes ?? []) {
    check(node.span, 'lock node');
    for (const s of [...node.lockedSpans.values(), ...node.originalSpans.values()]) check(s, 'lock field');
  }
  for (const e of m.sources ?? []) {
    check(e.span, 'sources entry');
    for (const s of e.fieldSpans.values()) check(s, 'sources field');
  }
}

// ---------------------------------------------------------------------------
// nix.conf

// Mostly legal lines (each rejected file costs Nix a spawn of its own), now and then an illegal one.
const confKey = fc.oneof({ weight: 20, arbitrary: fc.constantFrom('fuzz-setting', 'extra-fuzz-list', 'substituters', 'fuzz_x', 'ü-name', 'a=b') }, { weight: 1, arbitrary: fc.constantFrom('include', '!include', '=') });
const confWord = fc.oneof(
  fc.constantFrom('https://cache.example.org', 'true', 'false', '=', '#', 'a#b', '"quoted"', "'single'", '\\', '${x}', 'é', '', '-', '/nonexistent/fuzz.conf'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 6 }),
);
const confSep = fc.constantFrom(' ', '  ', '\t', ' \t ', '\r', '');
const confEq = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(' = ', '\t=\t', ' =', ' =\r') }, { weight: 1, arbitrary: fc.constantFrom('=', ' ') });
const confLine = fc.oneof(
  { weight: 30, arbitrary: fc.tuple(confSep, confKey, confEq, fc.array(fc.tuple(confWord, confSep), { maxLength: 4 })).map(([s0, k, eq, ws]) => `${s0}${k}${eq}${ws.map(([w, s]) => ` ${w}${s}`).join('')}`) },
  { weight: 4, arbitrary: fc.constantFrom('', '# comment', '  # indented comment', '!include /nonexistent/fuzz.conf', '\r', 'key = value # trailing', '#=', ' \t ') },
  { weight: 1, arbitrary: fc.constantFrom('!include', 'include a b', 'lonely', 'a == b') },
);
const confText = fc.tuple(fc.array(confLine, { maxLength: 8 }), fc.constantFrom('\n', '\r\n')).map(([ls, nl]) => ls.join(nl));
/** `include PATH` needs PATH to exist for Nix, which the syntax can't know: keep the oracle to the rest. */
const confOracleSafe = (text: string): boolean => !/(^|\n)[ \t\r]*include[ \t\r]+\S+[ \t\r]*(#[^\n]*)?(\n|$)/.test(text);

function checkNixConf(text: string, nix: ConfVerdict): void {
  const conf = parseNixConf(text);
  for (const line of conf.lines) {
    if (line.kind === 'invalid') continue;
    const words = line.kind === 'setting' ? [line.key, ...line.values] : [line.path];
    for (const w of words) {
      if (text.slice(w.start, w.end) !== w.text) throw new Error(`word ${JSON.stringify(w.text)} is not at [${w.start}, ${w.end})`);
      if (/[ \t\r\n#]/.test(w.text) || w.text === '') throw new Error(`word ${JSON.stringify(w.text)} holds a separator`);
    }
  }
  for (const c of conf.comments) if (text[c.start] !== '#' || !text.startsWith(c.text, c.start)) throw new Error(`comment ${JSON.stringify(c.text)} is not at ${c.start}`);
  spansInFile(modelNixConf({ file: 'nix.conf', absPath: '/fuzz/nix.conf', text }));
  if (!confOracleSafe(text)) return;
  const invalid = conf.lines.find((l) => l.kind === 'invalid');
  if (invalid && nix.accepted) throw new Error(`we call a line illegal that Nix accepts: ${invalid.message}`);
  if (!invalid && !nix.accepted) throw new Error(`Nix rejects the file (${nix.message}), we do not`);
}

const nixConfTarget: FuzzTarget<string, ConfVerdict> = {
  name: 'nix-conf',
  arbitrary: confText,
  oracle: (texts) => nixConfVerdicts(texts.map((t) => (confOracleSafe(t) ? t : ''))),
  check: checkNixConf,
  fromFixture,
  shortCases: 150,
};

// ---------------------------------------------------------------------------
// JSON with positions

const jsonText = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.jsonValue(), fc.constantFrom(0, 1, 2, '\t', ' \r\n ')).map(([v, ind]) => JSON.stringify(v, null, ind as string | number) ?? 'null') },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__": {"a": 1}}', '{"a": 1, "a": 2}', '"\\ud800"', '[1e400, -0, 0.1e-400]', '\ufeff{"bom": true}', '{"constructor": 1, "toString": []}', '"\\u0000"', '1E5', '-0.0e+0') },
);
const malformedJson = mutatedText(jsonText, ['{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', '.', 'e', 't', 'n', ' ', '\n', '\u0001', '\ufeff', 'é']);

/** Every node and key slices out the text that JSON.parse reads as it. */
function positionsAgree(text: string, node: JsonNode): void {
  const slice = text.slice(node.start, node.end);
  const mine = jsonToValue(node);
  expect({ slice, value: JSON.parse(slice) as unknown }).toEqual({ slice, value: mine });
  if (node.type === 'object') {
    for (const e of node.entries) {
      if (JSON.parse(text.slice(e.keyStart, e.keyEnd)) !== e.key) throw new Error(`key ${JSON.stringify(e.key)} is not at [${e.keyStart}, ${e.keyEnd})`);
      if (e.start !== e.keyStart || e.end !== e.value.end) throw new Error(`entry ${JSON.stringify(e.key)} has a wrong span`);
      positionsAgree(text, e.value);
    }
  } else if (node.type === 'array') node.items.forEach((i) => positionsAgree(text, i));
}

function checkJson(text: string): void {
  let ours: JsonNode | undefined;
  let error: UserError | undefined;
  try {
    ours = parseJsonWithPositions(text, 'fuzz.json');
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    error = e;
  }
  let theirs: { value: unknown } | undefined;
  try {
    // JSON.parse refuses a byte order mark, which we tolerate (editors write one).
    theirs = { value: JSON.parse(text.replace(/^\ufeff/, '')) };
  } catch {
    theirs = undefined;
  }
  if (error) {
    if (!(error.line! >= 1 && error.line! <= text.split('\n').length)) throw new Error(`error on line ${error.line} of a ${text.split('\n').length}-line text`);
    if (theirs && !/nested too deeply/.test(error.message)) throw new Error(`JSON.parse accepts what we reject: ${error.message}`);
    return;
  }
  if (!theirs) throw new Error('we accept what JSON.parse rejects');
  expect(jsonToValue(ours!)).toEqual(theirs.value);
  positionsAgree(text, ours!);
}

const jsonTarget: FuzzTarget<string> = { name: 'json-positions', arbitrary: fc.oneof(jsonText, malformedJson), check: checkJson, fromFixture, shortCases: 1000 };

// ---------------------------------------------------------------------------
// flake.lock and sources.json

const anyJson = fc.jsonValue({ maxDepth: 2 });
/** Randomly replaces a value by any JSON value, so every field is sometimes the wrong type. */
const or = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: anyJson });
const nodeIds = ['root', 'nixpkgs', 'utils', 'nixpkgs_2', 'home-manager', 'missing'];
const inputNames = ['nixpkgs', 'utils', 'home-manager', 'systems', 'nope'];
const inputRef = fc.oneof(fc.constantFrom(...nodeIds), fc.array(fc.constantFrom(...inputNames), { maxLength: 4 }));
const lockedFields = fc.record(
  { type: or(fc.constantFrom('github', 'git', 'tarball', 'path', 'indirect')), owner: or(fc.constant('NixOS')), repo: or(fc.constant('nixpkgs')), rev: or(fc.constantFrom('0123456789abcdef0123456789abcdef01234567', 'main')), narHash: or(fc.constant('sha256-AAAA')), lastModified: or(fc.oneof(fc.integer(), fc.constantFrom(8.64e15, 1e300, -1))), url: or(fc.constantFrom('https://example.org/a.tar.gz', 'http://x')) },
  { requiredKeys: [] },
);
const lockNode = fc.record(
  { inputs: or(fc.dictionary(fc.constantFrom(...inputNames), inputRef, { maxKeys: 4 })), locked: or(lockedFields), original: or(lockedFields), flake: or(fc.boolean()) },
  { requiredKeys: [] },
);
const flakeLock = fc
  .record({ nodes: or(fc.dictionary(fc.constantFrom(...nodeIds), lockNode, { maxKeys: 6 })), root: or(fc.constantFrom(...nodeIds)), version: or(fc.constantFrom(5, 6, 7)) }, { requiredKeys: [] })
  .map((v) => JSON.stringify(v, null, 2));

const sourcesEntry = fc.record(
  {
    type: or(fc.constantFrom('git', 'tarball', 'Git', 'GitRelease', 'Channel')),
    owner: or(fc.constant('NixOS')),
    repo: or(fc.constant('nixpkgs')),
    rev: or(fc.constant('0123456789abcdef0123456789abcdef01234567')),
    revision: or(fc.constant('0123456789abcdef0123456789abcdef01234567')),
    sha256: or(fc.constant('0000000000000000000000000000000000000000000000000000')),
    hash: or(fc.constant('sha256-AAAA')),
    url: or(fc.constantFrom('https://github.com/NixOS/nixpkgs/archive/x.tar.gz', 'http://x')),
    url_template: or(fc.constant('https://github.com/<owner>/<repo>/archive/<rev>.tar.gz')),
    repository: or(fc.record({ type: or(fc.constant('GitHub')), owner: or(fc.constant('NixOS')), repo: or(fc.constant('nixpkgs')), url: or(fc.constant('https://x')) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);
const sourcesJson = fc
  .oneof(fc.dictionary(fc.string({ maxLength: 8 }), or(sourcesEntry), { maxKeys: 4 }), fc.record({ pins: or(fc.dictionary(fc.string({ maxLength: 8 }), or(sourcesEntry), { maxKeys: 4 })), version: or(fc.constantFrom(3, 5)) }, { requiredKeys: [] }), anyJson)
  .map((v) => JSON.stringify(v, null, 2));

const jsonAlphabet = ['{', '}', '[', ']', ',', ':', '"', '0', ' ', 'null'];

function checkFlakeLock(text: string): void {
  const started = Date.now();
  const m = modelFlakeLock({ file: 'flake.lock', absPath: '/fuzz/flake.lock', text });
  if (Date.now() - started > 2000) throw new Error(`modelling took ${Date.now() - started} ms`);
  spansInFile(m);
  for (const n of m.lockNodes ?? []) if (!n.inputPath.every((p) => typeof p === 'string')) throw new Error('an input path holds a non-string');
}

function checkSources(text: string): void {
  spansInFile(modelSources({ file: 'sources.json', absPath: '/fuzz/sources.json', text }));
}

const flakeLockTarget: FuzzTarget<string> = { name: 'flake-lock', arbitrary: fc.oneof({ weight: 4, arbitrary: flakeLock }, { weight: 1, arbitrary: mutatedText(flakeLock, jsonAlphabet) }), check: checkFlakeLock, fromFixture };
const sourcesTarget: FuzzTarget<string> = { name: 'sources-json', arbitrary: fc.oneof({ weight: 4, arbitrary: sourcesJson }, { weight: 1, arbitrary: mutatedText(sourcesJson, jsonAlphabet) }), check: checkSources, fromFixture };

describeWhen(hasNix(), 'nix (apt-get install nix-bin)', 'fuzz: nix.conf against nix show-config', () => {
  fuzz(nixConfTarget);
  replayFixtures(nixConfTarget);
});

describe('fuzz: JSON with positions, flake.lock, sources.json', () => {
  fuzz(jsonTarget);
  replayFixtures(jsonTarget);
  fuzz(flakeLockTarget);
  replayFixtures(flakeLockTarget);
  fuzz(sourcesTarget);
  replayFixtures(sourcesTarget);
});
