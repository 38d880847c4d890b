/**
 * A small strict JSON parser (RFC 8259) that keeps the offsets of every key and
 * value, for flake.lock and niv/npins sources.json: findings point at the exact
 * field, and fixes splice the exact value. Malformed input is a UserError with
 * the file and line.
 */
import { UserError } from '../core/errors.js';

interface Base {
  /** Offset of the first character of the value. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

export type JsonNode =
  | (Base & { type: 'object'; entries: JsonEntry[] })
  | (Base & { type: 'array'; items: JsonNode[] })
  | (Base & { type: 'string'; value: string })
  | (Base & { type: 'number'; value: number })
  | (Base & { type: 'boolean'; value: boolean })
  | (Base & { type: 'null' });

export type JsonObject = Extract<JsonNode, { type: 'object' }>;

export interface JsonEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
  /** From the key's opening quote to the end of the value. */
  start: number;
  end: number;
}

/** The value of member `key` of an object node (the last one, as JSON.parse does), or undefined. */
export function jsonGet(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!node || node.type !== 'object') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i]!.key === key) return node.entries[i]!.value;
  return undefined;
}

export function jsonEntry(node: JsonNode | undefined, key: string): JsonEntry | undefined {
  if (!node || node.type !== 'object') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i]!.key === key) return node.entries[i];
  return undefined;
}

/** Plain JS value of a scalar node (string, number, boolean, null), else undefined. */
export function jsonScalar(node: JsonNode | undefined): string | number | boolean | null | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

/** Plain JS value of any node (like JSON.parse). */
export function jsonToValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      // defineProperty, as JSON.parse does: `o["__proto__"] = v` would set the prototype instead.
      for (const e of node.entries) Object.defineProperty(o, e.key, { value: jsonToValue(e.value), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case 'array':
      return node.items.map(jsonToValue);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses JSON text; `file` names the file in the error. Throws UserError(file, line) on malformed input. */
export function parseJsonWithPositions(text: string, file: string): JsonNode {
  try {
    return new JsonReader(text).document();
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      const before = text.slice(0, err.offset);
      const line = before.split('\n').length;
      const column = err.offset - (before.lastIndexOf('\n') + 1) + 1;
      throw new UserError(`malformed JSON: ${err.message} (line ${line}, column ${column})`, undefined, file, line);
    }
    throw err;
  }
}

const MAX_DEPTH = 512;

class JsonReader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  document(): JsonNode {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1; // tolerate a BOM
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe()} after the value`);
    return v;
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, at);
  }

  private describe(): string {
    if (this.pos >= this.text.length) return 'end of input';
    return `'${this.text[this.pos]}'`;
  }

  private ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  private value(): JsonNode {
    const t = this.text;
    const c = t[this.pos];
    const start = this.pos;
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return { type: 'string', value: this.string(), start, end: this.pos };
      case 't':
        return this.literal('true', { type: 'boolean', value: true, start, end: start + 4 });
      case 'f':
        return this.literal('false', { type: 'boolean', value: false, start, end: start + 5 });
      case 'n':
        return this.literal('null', { type: 'null', start, end: start + 4 });
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected ${this.describe()}, expected a value`);
    }
  }

  private literal(word: string, node: JsonNode): JsonNode {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected ${this.describe()}, expected a value`);
    this.pos += word.length;
    return node;
  }

  private number(): JsonNode {
    const re = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) this.fail('malformed number');
    const start = this.pos;
    this.pos += m[0].length;
    return { type: 'number', value: Number(m[0]), start, end: this.pos };
  }

  private string(): string {
    const t = this.text;
    const open = this.pos;
    this.pos++; // opening quote
    let out = '';
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string', open);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) {
        out += t.slice(chunk, this.pos);
        const e = t[this.pos + 1];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = t.slice(this.pos + 2, this.pos + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.fail('bad escape in string');
        }
        this.pos += 2;
        chunk = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('nested too deeply');
  }

  private object(): JsonNode {
    const start = this.pos;
    this.enter();
    this.pos++;
    const entries: JsonEntry[] = [];
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return { type: 'object', entries, start, end: this.pos };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail(`unexpected ${this.describe()}, expected a string key`);
      const keyStart = this.pos;
      const key = this.string();
      const keyEnd = this.pos;
      this.ws();
      if (this.text[this.pos] !== ':') this.fail(`unexpected ${this.describe()}, expected ':'`);
      this.pos++;
      this.ws();
      const value = this.value();
      entries.push({ key, keyStart, keyEnd, value, start: keyStart, end: value.end });
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        this.depth--;
        return { type: 'object', entries, start, end: this.pos };
      }
      this.fail(`unexpected ${this.describe()}, expected ',' or '}'`);
    }
  }

  private array(): JsonNode {
    const start = this.pos;
    this.enter();
    this.pos++;
    const items: JsonNode[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return { type: 'array', items, start, end: this.pos };
    }
    for (;;) {
      this.ws();
      items.push(this.value());
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        this.depth--;
        return { type: 'array', items, start, end: this.pos };
      }
      this.fail(`unexpected ${this.describe()}, expected ',' or ']'`);
    }
  }
}
