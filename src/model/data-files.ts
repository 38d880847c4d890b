/**
 * FileModels of the non-Nix files: standalone nix.conf, flake.lock, and niv /
 * npins sources.json.
 */
import path from 'node:path';
import { LineIndex, type Span } from '../core/span.js';
import { UserError } from '../core/errors.js';
import { jsonEntry, jsonGet, jsonScalar, parseJsonWithPositions, type JsonNode } from '../syntax/json-positions.js';
import { parseNixConf } from '../syntax/nixconf.js';
import { checkFlakeLock, lockGraph } from './flake-lock-check.js';
import { confLineSetting } from './settings.js';
import type { FileModel, ImportRef, LockNode, ParseProblem, SourcesEntry } from './types.js';
import type { SourceKind } from '../discover/kind.js';

export interface FileInput {
  file: string;
  absPath: string;
  text: string;
}

function emptyModel(input: FileInput, kind: SourceKind): FileModel {
  return {
    file: input.file,
    absPath: input.absPath,
    kind,
    text: input.text,
    assignments: [],
    settings: [],
    fetches: [],
    channels: [],
    imports: [],
    parseProblems: [],
    comments: [],
  };
}

// ---------------------------------------------------------------------------
// nix.conf

export function modelNixConf(input: FileInput): FileModel {
  const model = emptyModel(input, 'nix.conf');
  const lines = new LineIndex(input.text);
  const conf = parseNixConf(input.text);
  const map = (s: number, e: number): Span => lines.span(input.file, s, e);
  for (const c of conf.comments) model.comments.push({ line: lines.position(c.start).line, text: c.text });
  for (const line of conf.lines) {
    if (line.kind === 'invalid') {
      // Nix stops at the first illegal line; report that one.
      if (model.parseProblems.length === 0) model.parseProblems.push({ message: line.message, span: map(line.start, line.end) });
      continue;
    }
    if (line.kind === 'include') {
      const ref: ImportRef = { text: line.path.text, span: map(line.path.start, line.path.end) };
      ref.resolved = path.resolve(path.dirname(input.absPath), line.path.text);
      model.imports.push(ref);
      continue;
    }
    const s = confLineSetting(line, map, 'nix.conf', [], input.text);
    if (s) model.settings.push(s);
  }
  return model;
}

// ---------------------------------------------------------------------------
// JSON files

function parseJsonFile(input: FileInput, model: FileModel): JsonNode | undefined {
  try {
    return parseJsonWithPositions(input.text, input.file);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const lines = new LineIndex(input.text);
    const line = err.line ?? 1;
    const start = Math.min(input.text.length, lineStartOffset(input.text, line));
    const problem: ParseProblem = { message: err.message, span: lines.span(input.file, start, start) };
    model.parseProblems.push(problem);
    return undefined;
  }
}

function lineStartOffset(text: string, line: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl === -1) return text.length;
    off = nl + 1;
  }
  return off;
}

type Scalar = string | number | boolean;

function scalarFields(
  node: JsonNode | undefined,
  lines: LineIndex,
  file: string,
  valid: (key: string) => boolean,
): { values: Map<string, Scalar>; spans: Map<string, Span> } | undefined {
  if (!node || node.type !== 'object') return undefined;
  const values = new Map<string, Scalar>();
  const spans = new Map<string, Span>();
  for (const e of node.entries) {
    const v = jsonScalar(e.value);
    if (v === undefined || v === null || !valid(e.key)) continue;
    values.set(e.key, v);
    spans.set(e.key, lines.span(file, e.value.start, e.value.end));
  }
  return { values, spans };
}

/** flake.lock: every node, with the input path that reaches it from the root. Structure errors are parse problems; the rest is still modelled. */
export function modelFlakeLock(input: FileInput): FileModel {
  const model = emptyModel(input, 'flake.lock');
  model.lockNodes = [];
  const doc = parseJsonFile(input, model);
  if (!doc) return model;
  const lines = new LineIndex(input.text);
  const structure = checkFlakeLock(doc, lines, input.file);
  model.parseProblems.push(...structure.problems);
  const nodes = jsonGet(doc, 'nodes');
  if (!nodes || nodes.type !== 'object') return model;
  const { rootId, inputsOf, resolve } = lockGraph(doc);

  // Breadth-first from the root: each node gets the shortest input path reaching it.
  const paths = new Map<string, string[]>([[rootId, []]]);
  const queue = [rootId];
  while (queue.length) {
    const id = queue.shift()!;
    for (const [name, ref] of inputsOf(id)) {
      const target = resolve(ref);
      if (target === undefined || paths.has(target)) continue;
      paths.set(target, [...paths.get(id)!, name]);
      queue.push(target);
    }
  }
  const direct = new Set<string>();
  for (const ref of inputsOf(rootId).values()) {
    const t = resolve(ref);
    if (t !== undefined) direct.add(t);
  }

  for (const e of nodes.entries) {
    if (e.value.type !== 'object') continue;
    const valid = (field: string) => (key: string) => structure.isValid(['nodes', e.key, field, key]);
    const locked = scalarFields(jsonGet(e.value, 'locked'), lines, input.file, valid('locked'));
    const original = scalarFields(jsonGet(e.value, 'original'), lines, input.file, valid('original'));
    const flake = jsonScalar(jsonGet(e.value, 'flake'));
    const node: LockNode = {
      id: e.key,
      inputPath: paths.get(e.key) ?? [],
      direct: direct.has(e.key),
      isFlake: flake !== false,
      span: lines.span(input.file, e.start, e.end),
      lockedSpans: locked?.spans ?? new Map(),
      originalSpans: original?.spans ?? new Map(),
    };
    if (locked) node.locked = locked.values;
    if (original) node.original = original.values;
    model.lockNodes.push(node);
  }
  return model;
}

/**
 * niv `nix/sources.json` (name → flat fields) and npins `npins/sources.json`
 * (`{ "pins": { name: { … } }, "version": N }`). npins' nested objects are
 * flattened with dotted keys: `repository.type`, `repository.owner`,
 * `repository.repo`, `repository.url`; npins' own fields keep their names
 * (`revision`, `hash`, `url`, `branch`, …). Arrays are left out.
 */
export function modelSources(input: FileInput): FileModel {
  const model = emptyModel(input, 'sources.json');
  model.sources = [];
  const doc = parseJsonFile(input, model);
  if (!doc) return model;
  const lines = new LineIndex(input.text);
  if (doc.type !== 'object') {
    model.parseProblems.push({ message: 'not a sources.json: expected a JSON object', span: lines.span(input.file, doc.start, doc.start) });
    return model;
  }
  const pins = jsonGet(doc, 'pins');
  const isNpins = pins?.type === 'object' && jsonEntry(doc, 'version') !== undefined;
  const tool: SourcesEntry['tool'] = isNpins ? 'npins' : 'niv';
  const container = isNpins ? pins! : doc;
  if (container.type !== 'object') return model;
  for (const e of container.entries) {
    if (e.value.type !== 'object') continue;
    const entry: SourcesEntry = { tool, name: e.key, fields: new Map(), fieldSpans: new Map(), span: lines.span(input.file, e.start, e.end) };
    const addFields = (obj: JsonNode, prefix: string): void => {
      if (obj.type !== 'object') return;
      for (const f of obj.entries) {
        if (f.value.type === 'object') {
          if (prefix === '') addFields(f.value, `${f.key}.`);
          continue;
        }
        const v = jsonScalar(f.value);
        if (v === undefined) continue;
        entry.fields.set(prefix + f.key, v);
        entry.fieldSpans.set(prefix + f.key, lines.span(input.file, f.value.start, f.value.end));
      }
    };
    addFields(e.value, '');
    model.sources.push(entry);
  }
  return model;
}
