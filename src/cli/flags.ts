import { InvalidArgumentError } from 'commander';

/** Option parsers shared by every command, so a flag means the same everywhere. */

/** Bytes, or a number with K, M or G (binary units: 8M = 8 MiB). */
export function parseSize(s: string): number {
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(s.trim());
  if (!m) throw new InvalidArgumentError(`not a size: '${s}' (bytes, or a number with K, M or G)`);
  const unit = (m[2] ?? '').toUpperCase()[0];
  return Number(m[1]) * (unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1);
}

export function parseCount(s: string): number {
  if (!/^\d+$/.test(s)) throw new InvalidArgumentError(`not a count: '${s}'`);
  return Number(s);
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** A repeatable option: `--keyring a --keyring b`. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function nonNegativeInt(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number');
  return Number(v);
}
