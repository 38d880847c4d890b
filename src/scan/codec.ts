/**
 * A compact encoding of plain data (objects, arrays, Maps, strings, numbers,
 * booleans, null, undefined) for sending FileModels from the scan workers to
 * the main thread.
 *
 * Why not structured clone: a FileModel is a graph of many small objects
 * (every fact carries spans), and V8's serializer writes every key name and
 * every copy of the file path again; on 10,000 files that cost more CPU than
 * modelling itself. Here objects are written as a shape id plus values,
 * strings are written once each, and the numbers go in one transferable
 * Float64Array.
 */

const UNDEF = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const NUM = 4;
const STR = 5;
const ARR = 6;
const OBJ = 7;
const MAP = 8;

export interface Encoded {
  nums: Float64Array;
  strs: string[];
  shapes: string[][];
}

export class Encoder {
  private nums = new Float64Array(1 << 16);
  private n = 0;
  private readonly strs: string[] = [];
  private readonly strIds = new Map<string, number>();
  private readonly shapes: string[][] = [];
  private readonly shapeIds = new Map<string, number>();

  private push(x: number): void {
    if (this.n === this.nums.length) {
      const bigger = new Float64Array(this.nums.length * 2);
      bigger.set(this.nums);
      this.nums = bigger;
    }
    this.nums[this.n++] = x;
  }

  private str(s: string): void {
    let id = this.strIds.get(s);
    if (id === undefined) {
      id = this.strs.length;
      this.strs.push(s);
      this.strIds.set(s, id);
    }
    this.push(STR);
    this.push(id);
  }

  write(v: unknown): void {
    switch (typeof v) {
      case 'undefined':
        this.push(UNDEF);
        return;
      case 'boolean':
        this.push(v ? TRUE : FALSE);
        return;
      case 'number':
        this.push(NUM);
        this.push(v);
        return;
      case 'string':
        this.str(v);
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`cannot encode a ${typeof v}`);
    }
    if (v === null) {
      this.push(NULL);
      return;
    }
    if (Array.isArray(v)) {
      this.push(ARR);
      this.push(v.length);
      for (const x of v) this.write(x);
      return;
    }
    if (v instanceof Map) {
      this.push(MAP);
      this.push(v.size);
      for (const [k, x] of v) {
        this.write(k);
        this.write(x);
      }
      return;
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    const sig = keys.join('\u0000');
    let id = this.shapeIds.get(sig);
    if (id === undefined) {
      id = this.shapes.length;
      this.shapes.push(keys);
      this.shapeIds.set(sig, id);
    }
    this.push(OBJ);
    this.push(id);
    for (const k of keys) this.write(o[k]);
  }

  finish(): Encoded {
    return { nums: this.nums.slice(0, this.n), strs: this.strs, shapes: this.shapes };
  }
}

export function encode(values: unknown[]): Encoded {
  const e = new Encoder();
  e.write(values);
  return e.finish();
}

export function decode(enc: Encoded): unknown {
  const { nums, strs, shapes } = enc;
  let i = 0;
  const read = (): unknown => {
    const tag = nums[i++];
    switch (tag) {
      case UNDEF:
        return undefined;
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case NUM:
        return nums[i++];
      case STR:
        return strs[nums[i++]!];
      case ARR: {
        const len = nums[i++]!;
        const a = new Array(len);
        for (let k = 0; k < len; k++) a[k] = read();
        return a;
      }
      case MAP: {
        const size = nums[i++]!;
        const m = new Map();
        for (let k = 0; k < size; k++) {
          const key = read();
          m.set(key, read());
        }
        return m;
      }
      case OBJ: {
        const keys = shapes[nums[i++]!]!;
        const o: Record<string, unknown> = {};
        for (const k of keys) o[k] = read();
        return o;
      }
      default:
        throw new Error(`corrupt encoding at ${i - 1}`);
    }
  };
  return read();
}
