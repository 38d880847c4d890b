// Helpers the benchmarks share to generate their inputs deterministically.
import fs from 'node:fs';
import path from 'node:path';

/** A seeded pseudo-random generator (mulberry32): the same seed, the same inputs. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `files` files under `dir`, 100 per folder: file i is `<folder>NNN/<name>i.nix`
 * with the text `make(r, i)`. Returns the bytes written.
 */
export function writeTree(dir, { files, seed, folder, name, make }) {
  const r = rng(seed);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `${folder}${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) fs.mkdirSync(sub, { recursive: true });
    const text = make(r, i);
    bytes += Buffer.byteLength(text);
    fs.writeFileSync(path.join(sub, `${name}${i}.nix`), text);
  }
  return bytes;
}
