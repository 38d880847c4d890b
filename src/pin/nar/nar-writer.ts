import { createHash, type Hash } from 'node:crypto';
import { NixHash, type HashAlgorithm } from '../../core/nix-hash.js';

/** Where NAR bytes go: usually a hash, in tests a byte collector compared with `nix-store --dump`. */
export interface ByteSink {
  write(chunk: Uint8Array): void;
}

const PADDING = Buffer.alloc(8);

/**
 * Emits the NAR (Nix ARchive) token stream. Every string is a little-endian
 * u64 length, the bytes, then zero padding to a multiple of 8. Structure:
 *   "nix-archive-1" node
 *   node = "(" "type" ( "regular" ["executable" ""] "contents" BYTES
 *                     | "symlink" "target" BYTES
 *                     | "directory" { "entry" "(" "name" BYTES "node" node ")" }* ) ")"
 * Callers must give directory entries sorted bytewise by name, as Nix does.
 */
export class NarWriter {
  private size = 0;
  // Tokens are tiny; batching them saves millions of hash.update() calls on big trees.
  private readonly staging = Buffer.allocUnsafe(64 * 1024);
  private staged = 0;
  constructor(private readonly sink: ByteSink) {}

  /** Pushes any batched bytes to the sink; call once after the last node. */
  flush(): void {
    if (this.staged) this.sink.write(this.staging.subarray(0, this.staged));
    this.staged = 0;
  }

  get bytesWritten(): number {
    return this.size;
  }

  private raw(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (chunk.length > this.staging.length - this.staged) {
      this.flush();
      if (chunk.length >= this.staging.length / 4) {
        this.sink.write(chunk);
        return;
      }
    }
    this.staging.set(chunk, this.staged);
    this.staged += chunk.length;
  }

  private length(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.raw(b);
  }

  private pad(n: number): void {
    const rem = n % 8;
    if (rem) this.raw(PADDING.subarray(0, 8 - rem));
  }

  str(s: string | Uint8Array): void {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    this.length(b.length);
    this.raw(b);
    this.pad(b.length);
  }

  header(): void {
    this.str('nix-archive-1');
  }

  symlink(target: Uint8Array): void {
    this.str('(');
    this.str('type');
    this.str('symlink');
    this.str('target');
    this.str(target);
    this.str(')');
  }

  /** Starts a regular file; follow with fileChunk() calls totalling `size`, then endFile(size). */
  beginFile(executable: boolean, size: number): void {
    this.str('(');
    this.str('type');
    this.str('regular');
    if (executable) {
      this.str('executable');
      this.str('');
    }
    this.str('contents');
    this.length(size);
  }
  fileChunk(chunk: Uint8Array): void {
    this.raw(chunk);
  }
  endFile(size: number): void {
    this.pad(size);
    this.str(')');
  }

  beginDirectory(): void {
    this.str('(');
    this.str('type');
    this.str('directory');
  }
  beginEntry(name: Uint8Array): void {
    this.str('entry');
    this.str('(');
    this.str('name');
    this.str(name);
    this.str('node');
  }
  endEntry(): void {
    this.str(')');
  }
  endDirectory(): void {
    this.str(')');
  }
}

/** A sink that hashes; `digest()` once at the end. */
export class HashSink implements ByteSink {
  private readonly h: Hash;
  constructor(readonly algorithm: HashAlgorithm = 'sha256') {
    this.h = createHash(algorithm);
  }
  write(chunk: Uint8Array): void {
    this.h.update(chunk);
  }
  digest(): NixHash {
    return new NixHash(this.algorithm, this.h.digest());
  }
}

/** Collects bytes (tests, small trees). */
export class BufferSink implements ByteSink {
  private readonly chunks: Buffer[] = [];
  write(chunk: Uint8Array): void {
    this.chunks.push(Buffer.from(chunk));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Compares NAR entry names the way Nix's std::map<std::string> orders them: bytewise. */
export function compareNames(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** The result of serialising a tree. */
export interface NarHashResult {
  hash: NixHash;
  /** Length of the NAR in bytes (Nix's NarSize). */
  narSize: number;
}
