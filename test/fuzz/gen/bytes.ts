/**
 * Byte-level mutations for the binary fuzz targets (signatures, commits, tars): a
 * case is a base artefact plus a short list of edits, so fast-check shrinks towards
 * the fewest, smallest edits and a counterexample names exactly what was changed.
 */
import fc from 'fast-check';

export interface ByteEdit {
  kind: 'flip' | 'set' | 'delete' | 'insert' | 'truncate' | 'duplicate';
  /** Position, taken modulo the length of the buffer at that point. */
  at: number;
  value: number;
  len: number;
}

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.record({
  kind: fc.constantFrom('flip', 'flip', 'set', 'delete', 'insert', 'truncate', 'duplicate'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
  len: fc.integer({ min: 1, max: 16 }),
});

export const byteEdits = (maxLength = 3): fc.Arbitrary<ByteEdit[]> => fc.array(byteEdit, { minLength: 1, maxLength });

export function applyByteEdits(input: Buffer, edits: readonly ByteEdit[]): Buffer {
  let b = Buffer.from(input);
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % b.length;
    switch (e.kind) {
      case 'flip':
        if (b.length) b[at] = b[at]! ^ (1 << e.value % 8);
        break;
      case 'set':
        if (b.length) b[at] = e.value;
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.alloc(e.len, e.value), b.subarray(at)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + e.len), b.subarray(at)]);
        break;
    }
  }
  return b;
}

/** Every `step`-th case of a batch, as the harness numbers them: where a slow oracle (one spawn per case) is asked. */
export function sampled(index: number, step: number): boolean {
  return index % step === 0;
}
