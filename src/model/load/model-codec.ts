/**
 * A compact, schema-aware encoding of FileModels for sending them from the scan
 * workers to the main thread.
 *
 * Why: a FileModel is a graph of many small objects (every fact carries spans),
 * and structured clone (V8's serializer) spends about 1 µs per object on each
 * side, writing every key name and every copy of the file path again: on
 * 10,000 files, more CPU than modelling itself, and the main thread's half of
 * it is serial. Here a span is six numbers (its file is the model's), objects
 * are rebuilt from literals of fixed shape, short strings are written once
 * each, a setting's value that is its assignment's value stays that one object,
 * and the numbers travel in one transferable Float64Array.
 */
import type { Span } from '../../core/span.js';
import type { Assignment, ChannelLookup, FetchCall, FetcherName, FileModel, FlakeInput, ImportRef, LockNode, ParseProblem, Setting, SettingOrigin, SourcesEntry, StaticValue, Wrapper } from '../types.js';
import type { SourceKind } from '../../discover/kind.js';

export interface EncodedModels {
  nums: Float64Array;
  strs: string[];
}

const NONE = -1;

// StaticValue tags
const SV_STRING = 0;
const SV_STRING_INDENTED = 1;
const SV_PATH = 2;
const SV_BOOL = 3;
const SV_INT = 4;
const SV_NULL = 5;
const SV_LIST = 6;
const SV_ATTRS = 7;
const SV_UNKNOWN = 8;
const SV_REF = 9;
/** An unknown whose text is exactly its span's slice of the file: sent as nothing, re-sliced on arrival. */
const SV_UNKNOWN_SLICE = 10;

class Writer {
  nums = new Float64Array(1 << 16);
  n = 0;
  readonly strs: string[] = [];
  private readonly strIds = new Map<string, number>();
  /** Values of the current model's assignments, by identity: a setting's value is usually one of them. */
  shared = new Map<StaticValue, number>();
  /** The current model's file text. */
  text = '';

  num(x: number): void {
    if (this.n === this.nums.length) {
      const bigger = new Float64Array(this.nums.length * 2);
      bigger.set(this.nums);
      this.nums = bigger;
    }
    this.nums[this.n++] = x;
  }

  bool(b: boolean): void {
    this.num(b ? 1 : 0);
  }

  str(s: string): void {
    if (s.length > 40) {
      // Long strings (file texts, unknown expressions) are rarely repeated: don't hash them.
      this.num(this.strs.length);
      this.strs.push(s);
      return;
    }
    let id = this.strIds.get(s);
    if (id === undefined) {
      id = this.strs.length;
      this.strs.push(s);
      this.strIds.set(s, id);
    }
    this.num(id);
  }

  optStr(s: string | undefined): void {
    if (s === undefined) this.num(NONE);
    else this.str(s);
  }

  strList(xs: readonly string[]): void {
    this.num(xs.length);
    for (const x of xs) this.str(x);
  }

  span(s: Span): void {
    this.num(s.startLine);
    this.num(s.startColumn);
    this.num(s.endLine);
    this.num(s.endColumn);
    this.num(s.startOffset);
    this.num(s.endOffset);
  }

  value(v: StaticValue): void {
    switch (v.kind) {
      case 'string':
        this.num(v.indented ? SV_STRING_INDENTED : SV_STRING);
        this.str(v.value);
        break;
      case 'path':
        this.num(SV_PATH);
        this.str(v.value);
        break;
      case 'bool':
        this.num(SV_BOOL);
        this.bool(v.value);
        break;
      case 'int':
        this.num(SV_INT);
        this.num(v.value);
        break;
      case 'null':
        this.num(SV_NULL);
        break;
      case 'list':
        this.num(SV_LIST);
        this.num(v.items.length);
        for (const x of v.items) this.value(x);
        break;
      case 'attrs':
        this.num(SV_ATTRS);
        this.valueMap(v.entries);
        break;
      case 'unknown':
        if (v.text.length === v.span.endOffset - v.span.startOffset && this.text.startsWith(v.text, v.span.startOffset)) this.num(SV_UNKNOWN_SLICE);
        else {
          this.num(SV_UNKNOWN);
          this.str(v.text);
        }
        break;
    }
    this.span(v.span);
  }

  optValue(v: StaticValue | undefined): void {
    if (v === undefined) this.num(NONE);
    else this.value(v);
  }

  valueMap(m: Map<string, StaticValue>): void {
    this.num(m.size);
    for (const [k, x] of m) {
      this.str(k);
      this.value(x);
    }
  }

  scalar(x: string | number | boolean | null): void {
    if (x === null) this.num(0);
    else if (typeof x === 'string') {
      this.num(1);
      this.str(x);
    } else if (typeof x === 'number') {
      this.num(2);
      this.num(x);
    } else {
      this.num(x ? 3 : 4);
    }
  }

  scalarMap(m: Map<string, string | number | boolean | null> | undefined): void {
    if (!m) {
      this.num(NONE);
      return;
    }
    this.num(m.size);
    for (const [k, x] of m) {
      this.str(k);
      this.scalar(x);
    }
  }

  spanMap(m: Map<string, Span>): void {
    this.num(m.size);
    for (const [k, s] of m) {
      this.str(k);
      this.span(s);
    }
  }
}

function writeModel(w: Writer, m: FileModel): void {
  w.shared.clear();
  w.text = m.text;
  w.str(m.file);
  w.str(m.absPath);
  w.str(m.kind);
  w.str(m.text);
  w.num(m.assignments.length);
  for (let k = 0; k < m.assignments.length; k++) {
    const a = m.assignments[k]!;
    w.strList(a.path);
    w.value(a.value);
    w.shared.set(a.value, k);
    w.span(a.span);
    w.span(a.keySpan);
    w.strList(a.wrappers);
  }
  w.num(m.settings.length);
  for (const s of m.settings) {
    w.str(s.key);
    w.bool(s.append);
    w.str(s.origin);
    w.str(s.optionName);
    const ref = w.shared.get(s.value);
    if (ref !== undefined) {
      w.num(SV_REF);
      w.num(ref);
    } else w.value(s.value);
    w.span(s.span);
    w.span(s.keySpan);
    w.strList(s.wrappers);
  }
  w.num(m.fetches.length);
  for (const f of m.fetches) {
    w.str(f.fetcher);
    w.str(f.callee);
    w.bool(f.builtin);
    w.valueMap(f.args);
    w.span(f.span);
    w.span(f.argSpan);
  }
  w.num(m.channels.length);
  for (const c of m.channels) {
    w.str(c.name);
    w.span(c.span);
  }
  w.num(m.imports.length);
  for (const i of m.imports) {
    w.optStr(i.resolved);
    w.str(i.text);
    w.span(i.span);
  }
  w.num(m.parseProblems.length);
  for (const p of m.parseProblems) {
    w.str(p.message);
    w.span(p.span);
  }
  w.num(m.comments.length);
  for (const c of m.comments) {
    w.num(c.line);
    w.str(c.text);
  }
  if (!m.flakeInputs) w.num(NONE);
  else {
    w.num(m.flakeInputs.length);
    for (const f of m.flakeInputs) {
      w.str(f.name);
      w.optValue(f.url);
      w.valueMap(f.attrs);
      w.optValue(f.follows);
      w.valueMap(f.nestedFollows);
      w.bool(f.isFlake);
      w.span(f.span);
    }
  }
  if (!m.lockNodes) w.num(NONE);
  else {
    w.num(m.lockNodes.length);
    for (const n of m.lockNodes) {
      w.str(n.id);
      w.strList(n.inputPath);
      w.bool(n.direct);
      w.scalarMap(n.locked);
      w.scalarMap(n.original);
      w.bool(n.isFlake);
      w.span(n.span);
      w.spanMap(n.lockedSpans);
      w.spanMap(n.originalSpans);
    }
  }
  if (!m.sources) w.num(NONE);
  else {
    w.num(m.sources.length);
    for (const s of m.sources) {
      w.str(s.tool);
      w.str(s.name);
      w.scalarMap(s.fields);
      w.spanMap(s.fieldSpans);
      w.span(s.span);
    }
  }
  w.optStr(m.flakeLockFile);
  w.optStr(m.flakeNixFile);
}

/** Encodes a batch of (possibly missing) models; `undefined` entries stay undefined. */
export function encodeModels(models: (FileModel | undefined)[]): EncodedModels {
  const w = new Writer();
  w.num(models.length);
  for (const m of models) {
    if (!m) w.num(0);
    else {
      w.num(1);
      writeModel(w, m);
    }
  }
  return { nums: w.nums.slice(0, w.n), strs: w.strs };
}

class Reader {
  i = 0;
  file = '';
  text = '';
  values: StaticValue[] = [];
  constructor(
    readonly nums: Float64Array,
    readonly strs: string[],
  ) {}

  num(): number {
    return this.nums[this.i++]!;
  }

  bool(): boolean {
    return this.nums[this.i++] === 1;
  }

  str(): string {
    return this.strs[this.nums[this.i++]!]!;
  }

  optStr(): string | undefined {
    const id = this.nums[this.i++]!;
    return id === NONE ? undefined : this.strs[id]!;
  }

  strList(): string[] {
    const n = this.num();
    const out = new Array<string>(n);
    for (let k = 0; k < n; k++) out[k] = this.str();
    return out;
  }

  span(): Span {
    const a = this.nums;
    const i = this.i;
    this.i = i + 6;
    return { file: this.file, startLine: a[i]!, startColumn: a[i + 1]!, endLine: a[i + 2]!, endColumn: a[i + 3]!, startOffset: a[i + 4]!, endOffset: a[i + 5]! };
  }

  value(): StaticValue {
    const tag = this.num();
    if (tag === SV_REF) return this.values[this.num()]!;
    let v: StaticValue;
    switch (tag) {
      case SV_STRING: {
        const value = this.str();
        v = { kind: 'string', value, span: this.span() };
        break;
      }
      case SV_STRING_INDENTED: {
        const value = this.str();
        v = { kind: 'string', value, span: this.span(), indented: true };
        break;
      }
      case SV_PATH: {
        const value = this.str();
        v = { kind: 'path', value, span: this.span() };
        break;
      }
      case SV_BOOL: {
        const value = this.bool();
        v = { kind: 'bool', value, span: this.span() };
        break;
      }
      case SV_INT: {
        const value = this.num();
        v = { kind: 'int', value, span: this.span() };
        break;
      }
      case SV_NULL:
        v = { kind: 'null', span: this.span() };
        break;
      case SV_LIST: {
        const n = this.num();
        const items = new Array<StaticValue>(n);
        for (let k = 0; k < n; k++) items[k] = this.value();
        v = { kind: 'list', items, span: this.span() };
        break;
      }
      case SV_ATTRS: {
        const entries = this.valueMap();
        v = { kind: 'attrs', entries, span: this.span() };
        break;
      }
      case SV_UNKNOWN: {
        const text = this.str();
        v = { kind: 'unknown', span: this.span(), text };
        break;
      }
      case SV_UNKNOWN_SLICE: {
        const span = this.span();
        v = { kind: 'unknown', span, text: this.text.slice(span.startOffset, span.endOffset) };
        break;
      }
      default:
        throw new Error(`corrupt model encoding: value tag ${tag} at ${this.i - 1}`);
    }
    return v;
  }

  optValue(): StaticValue | undefined {
    if (this.nums[this.i] === NONE) {
      this.i++;
      return undefined;
    }
    return this.value();
  }

  valueMap(): Map<string, StaticValue> {
    const n = this.num();
    const m = new Map<string, StaticValue>();
    for (let k = 0; k < n; k++) {
      const key = this.str();
      m.set(key, this.value());
    }
    return m;
  }

  scalar(): string | number | boolean | null {
    switch (this.num()) {
      case 0:
        return null;
      case 1:
        return this.str();
      case 2:
        return this.num();
      case 3:
        return true;
      default:
        return false;
    }
  }

  scalarMap<T>(): Map<string, T> | undefined {
    const n = this.num();
    if (n === NONE) return undefined;
    const m = new Map<string, T>();
    for (let k = 0; k < n; k++) {
      const key = this.str();
      m.set(key, this.scalar() as T);
    }
    return m;
  }

  spanMap(): Map<string, Span> {
    const n = this.num();
    const m = new Map<string, Span>();
    for (let k = 0; k < n; k++) {
      const key = this.str();
      m.set(key, this.span());
    }
    return m;
  }

  list<T>(read: () => T): T[] {
    const n = this.num();
    const out = new Array<T>(n);
    for (let k = 0; k < n; k++) out[k] = read();
    return out;
  }
}

function readModel(r: Reader): FileModel {
  r.values = [];
  const file = r.str();
  r.file = file;
  const absPath = r.str();
  const kind = r.str() as SourceKind;
  const text = r.str();
  r.text = text;
  const assignments = r.list<Assignment>(() => {
    const path = r.strList();
    const value = r.value();
    r.values.push(value);
    const span = r.span();
    const keySpan = r.span();
    return { path, value, span, keySpan, wrappers: r.strList() as Wrapper[] };
  });
  const settings = r.list<Setting>(() => {
    const key = r.str();
    const append = r.bool();
    const origin = r.str() as SettingOrigin;
    const optionName = r.str();
    const value = r.value();
    const span = r.span();
    const keySpan = r.span();
    return { key, append, origin, optionName, value, span, keySpan, wrappers: r.strList() as Wrapper[] };
  });
  const fetches = r.list<FetchCall>(() => {
    const fetcher = r.str() as FetcherName;
    const callee = r.str();
    const builtin = r.bool();
    const args = r.valueMap();
    const span = r.span();
    return { fetcher, callee, builtin, args, span, argSpan: r.span() };
  });
  const channels = r.list<ChannelLookup>(() => {
    const name = r.str();
    return { name, span: r.span() };
  });
  const imports = r.list<ImportRef>(() => {
    const resolved = r.optStr();
    const text = r.str();
    const ref: ImportRef = { text, span: r.span() };
    if (resolved !== undefined) ref.resolved = resolved;
    return ref;
  });
  const parseProblems = r.list<ParseProblem>(() => {
    const message = r.str();
    return { message, span: r.span() };
  });
  const comments = r.list(() => {
    const line = r.num();
    return { line, text: r.str() };
  });
  const model: FileModel = { file, absPath, kind, text, assignments, settings, fetches, channels, imports, parseProblems, comments };
  if (r.nums[r.i] === NONE) r.i++;
  else {
    model.flakeInputs = r.list<FlakeInput>(() => {
      const name = r.str();
      const url = r.optValue();
      const attrs = r.valueMap();
      const follows = r.optValue();
      const nestedFollows = r.valueMap();
      const isFlake = r.bool();
      const input: FlakeInput = { name, attrs, nestedFollows, isFlake, span: r.span() };
      if (url) input.url = url;
      if (follows) input.follows = follows;
      return input;
    });
  }
  if (r.nums[r.i] === NONE) r.i++;
  else {
    model.lockNodes = r.list<LockNode>(() => {
      const id = r.str();
      const inputPath = r.strList();
      const direct = r.bool();
      const locked = r.scalarMap<string | number | boolean>();
      const original = r.scalarMap<string | number | boolean>();
      const isFlake = r.bool();
      const span = r.span();
      const lockedSpans = r.spanMap();
      const node: LockNode = { id, inputPath, direct, isFlake, span, lockedSpans, originalSpans: r.spanMap() };
      if (locked) node.locked = locked;
      if (original) node.original = original;
      return node;
    });
  }
  if (r.nums[r.i] === NONE) r.i++;
  else {
    model.sources = r.list<SourcesEntry>(() => {
      const tool = r.str() as SourcesEntry['tool'];
      const name = r.str();
      const fields = r.scalarMap<string | number | boolean | null>() ?? new Map();
      const fieldSpans = r.spanMap();
      return { tool, name, fields, fieldSpans, span: r.span() };
    });
  }
  const lockFile = r.optStr();
  const nixFile = r.optStr();
  if (lockFile !== undefined) model.flakeLockFile = lockFile;
  if (nixFile !== undefined) model.flakeNixFile = nixFile;
  return model;
}

export function decodeModels(enc: EncodedModels): (FileModel | undefined)[] {
  const r = new Reader(enc.nums, enc.strs);
  return r.list(() => (r.num() === 1 ? readModel(r) : undefined));
}
