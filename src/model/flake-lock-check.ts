/**
 * Structure of a flake.lock: the JSON Schema (flake-lock-schema.ts) plus the
 * references between nodes that a schema cannot express, as Nix's
 * LockFile constructor and LockFile::check see them. Each violation is a
 * parse problem (NH017) naming its JSON path and line; the caller leaves the
 * invalid values out of the model and keeps checking everything else.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { LineIndex } from '../core/span.js';
import { jsonGet, jsonToValue, type JsonNode } from '../syntax/json-positions.js';
import { flakeLockSchema, MAX_LAST_MODIFIED } from './flake-lock-schema.js';
import type { ParseProblem } from './types.js';

type Path = string[];

/** Input edges of a lock: node ids or follows paths, resolved as Nix's LockFile::findInput does. */
export interface LockGraph {
  rootId: string;
  inputsOf(id: string): Map<string, JsonNode>;
  /** The node id an input reference leads to; undefined when it leads nowhere (or round in circles). */
  resolve(ref: JsonNode): string | undefined;
}

export function lockGraph(doc: JsonNode): LockGraph {
  const nodes = jsonGet(doc, 'nodes');
  const rootRef = jsonGet(doc, 'root');
  const rootId = rootRef?.type === 'string' ? rootRef.value : 'root';
  const inputsOf = (id: string): Map<string, JsonNode> => {
    const m = new Map<string, JsonNode>();
    const ins = jsonGet(jsonGet(nodes, id), 'inputs');
    if (ins && ins.type === 'object') for (const e of ins.entries) m.set(e.key, e.value);
    return m;
  };
  const resolve = (ref: JsonNode, depth = 0): string | undefined => {
    if (depth > 64) return undefined;
    if (ref.type === 'string') return ref.value;
    if (ref.type !== 'array') return undefined;
    let cur: string | undefined = rootId;
    for (const step of ref.items) {
      if (!cur || step.type !== 'string') return undefined;
      const next = inputsOf(cur).get(step.value);
      cur = next ? resolve(next, depth + 1) : undefined;
    }
    return cur;
  };
  return { rootId, inputsOf, resolve: (ref) => resolve(ref) };
}

export interface LockCheck {
  problems: ParseProblem[];
  /** False for a value the structure check refused: leave it out of the model. */
  isValid(path: Path): boolean;
}

/** Enough to fix a file by; a crafted lock could otherwise give one finding per byte. */
const MAX_PROBLEMS = 50;

let validate: ValidateFunction | undefined;

export function checkFlakeLock(doc: JsonNode, lines: LineIndex, file: string): LockCheck {
  validate ??= new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(flakeLockSchema);
  const violations = new Map<string, { path: Path; message: string }>();
  const add = (path: Path, message: string): void => {
    const key = JSON.stringify([path, message]);
    if (!violations.has(key)) violations.set(key, { path, message });
  };

  if (!validate(jsonToValue(doc))) {
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'if') continue; // its `then` error says what is missing
      const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      add(path, describe(e, path, valueAt(doc, path)));
    }
  }
  const inputsBroken = [...violations.values()].some(({ path }) => path[0] === 'nodes' && path[2] === 'inputs');
  checkReferences(doc, add, inputsBroken);

  const version = jsonGet(doc, 'version');
  // Versions 1 to 4 are another format altogether (no "root"): the version says all.
  const otherFormat = version?.type === 'number' && Number.isInteger(version.value) && version.value < 5;
  const all = [...violations.values()].filter((v) => !otherFormat || v.path[0] === 'version');
  const shown = all.slice(0, MAX_PROBLEMS);
  const problems = shown.map(({ path, message }): ParseProblem => {
    const at = valueAt(doc, path) ?? doc;
    return { message: `invalid flake.lock: ${message}`, span: lines.span(file, at.start, at.start) };
  });
  if (all.length > shown.length) {
    problems.push({ message: `invalid flake.lock: ${all.length - shown.length} more structure errors not shown`, span: lines.span(file, doc.start, doc.start) });
  }
  const invalid = new Set(all.map((v) => JSON.stringify(v.path)));
  return { problems, isValid: (path) => !invalid.has(JSON.stringify(path)) };
}

/**
 * Node references: the root, input ids and follows paths (Nix: "lock file references
 * missing node", "cycle to root node", LockFile::check). Skipped where the schema already
 * refused what they depend on, so one mistake gives one problem.
 */
function checkReferences(doc: JsonNode, add: (path: Path, message: string) => void, inputsBroken: boolean): void {
  const nodes = jsonGet(doc, 'nodes');
  if (nodes?.type !== 'object' || jsonGet(doc, 'root')?.type !== 'string') return;
  const graph = lockGraph(doc);
  if (!jsonGet(nodes, graph.rootId)) {
    add(['root'], `root names the node "${graph.rootId}", which is not in "nodes"`);
    return;
  }
  for (const { key: id, value } of nodes.entries) {
    if (value.type !== 'object') continue;
    if (id !== graph.rootId) {
      for (const field of ['locked', 'original']) if (!jsonGet(value, field)) add(['nodes', id], `${displayPath(['nodes', id])}: missing "${field}" (every node but the root has one)`);
    }
    for (const [name, ref] of graph.inputsOf(id)) {
      const at: Path = ['nodes', id, 'inputs', name];
      if (ref.type === 'string') {
        if (!jsonGet(nodes, ref.value)) add(at, `${displayPath(at)} refers to the node "${ref.value}", which is not in "nodes"`);
        else if (ref.value === graph.rootId) add(at, `${displayPath(at)} refers back to the root node (a cycle Nix refuses)`);
      } else if (!inputsBroken && ref.type === 'array' && ref.items.length > 0 && graph.resolve(ref) === undefined) {
        add(at, `${displayPath(at)} follows "${ref.items.map((s) => (s.type === 'string' ? s.value : '?')).join('/')}", which leads to no input`);
      }
    }
  }
}

/** What a value must be, for the fields whose ajv message alone would not say. */
const EXPECTED: Record<string, string> = {
  version: 'a lock file version Nix reads (5, 6 or 7)',
  rev: 'a full commit id (40 or 64 lowercase hex digits)',
  narHash: 'an SRI SHA-256 hash (sha256-…)',
  lastModified: `a time in whole seconds since 1970 (0 to ${MAX_LAST_MODIFIED})`,
};

function describe(e: ErrorObject, path: Path, value: JsonNode | undefined): string {
  const where = path.length ? displayPath(path) : 'the file';
  const p = e.params as Record<string, unknown>;
  const got = value ? `, not ${preview(value)}` : '';
  const expected = EXPECTED[path[path.length - 1] ?? ''];
  if (expected && ['type', 'pattern', 'minimum', 'maximum'].includes(e.keyword)) return `${where} must be ${expected}${got}`;
  switch (e.keyword) {
    case 'required':
      return `${where}: missing "${String(p.missingProperty)}"`;
    case 'type':
      return `${where} must be ${String(p.type).split(',').join(' or ')}${got}`;
    case 'enum':
      return `${where} must be one of ${(p.allowedValues as unknown[]).join(', ')}${got}`;
    default:
      return `${where} ${e.message ?? 'is invalid'}${got}`;
  }
}

function preview(node: JsonNode): string {
  const text = JSON.stringify(jsonToValue(node));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** nodes.nixpkgs.locked.rev; odd keys quoted: nodes["a.b"]. */
function displayPath(path: Path): string {
  return path
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? `${i ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`))
    .join('');
}

function valueAt(doc: JsonNode, path: Path): JsonNode | undefined {
  let node: JsonNode | undefined = doc;
  for (const step of path) {
    if (node?.type === 'object') node = jsonGet(node, step);
    else if (node?.type === 'array') node = node.items[Number(step)];
    else return undefined;
  }
  return node;
}
