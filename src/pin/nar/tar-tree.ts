import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { UserError } from '../../core/errors.js';
import type { HashAlgorithm } from '../../core/nix-hash.js';
import { HashSink, NarWriter, type ByteSink, type NarHashResult } from './nar-writer.js';

/**
 * An unpacked tarball held in memory. Names are kept as raw bytes encoded
 * one byte per char ("latin1" strings), so plain string comparison orders
 * them bytewise, as NAR requires, and non-UTF-8 names survive.
 */
export type TreeNode = DirNode | FileNode | SymlinkNode;
export interface DirNode {
  kind: 'directory';
  entries: Map<string, TreeNode>;
}
export interface FileNode {
  kind: 'regular';
  executable: boolean;
  size: number;
  /** The contents in pieces: one Buffer holds at most 2^32 bytes (Node 20), one hash update 2^31. */
  contents: Buffer[];
}
export interface SymlinkNode {
  kind: 'symlink';
  target: Buffer;
}

export interface UnpackOptions {
  /** Refuse archives whose file contents plus 512 bytes per entry exceed this (all held in memory). Default 2 GiB. */
  maxUnpackedBytes?: number;
  /** Name of the archive, for error messages. */
  label?: string;
}

export const DEFAULT_MAX_UNPACKED_BYTES = 2 * 1024 ** 3;
const CONTENT_PIECE = 64 * 1024 ** 2;

/**
 * Reads a (decompressed) tar stream into a tree, extracting the way Nix 2.8
 * does with libarchive (ARCHIVE_EXTRACT_SECURE_SYMLINKS | SECURE_NODOTDOT),
 * but in memory:
 * - `..` components, and paths through a symlink, are refused (as Nix does);
 *   absolute paths are refused too (Nix would quietly re-root them; we fail closed);
 * - a later entry with the same path replaces the earlier one; a directory
 *   entry over an existing directory merges; a non-directory cannot replace
 *   a non-empty directory (as libarchive);
 * - directories implied by a file's path are created;
 * - a hard link gets its target's content and mode; its target must be an
 *   earlier regular file of the same archive;
 * - fifos and device files are refused: Nix cannot put them in a NAR either;
 * - pax and GNU long names, and pax global headers, are handled by tar-stream.
 */
export async function readTarTree(input: Readable | AsyncIterable<Buffer>, opts: UnpackOptions = {}): Promise<DirNode> {
  const limit = opts.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const label = opts.label ?? 'tarball';
  const root: DirNode = { kind: 'directory', entries: new Map() };
  let total = 0;
  // latin1 keeps ustar/GNU names as raw bytes; pax names arrive as UTF-8 text (see entryPath).
  const extract = tar.extract({ filenameEncoding: 'latin1' } as object);
  const feed = pipeInto(input, extract);
  try {
    for await (const source of extract) {
      const entry = source as unknown as AsyncIterable<Buffer>;
      // tar-stream's typings are narrower than what it emits (null types, pax records).
      const header = source.header as unknown as RawHeader;
      const path = entryPath(header.name, header.pax?.path !== undefined, label);
      const where = `${label}: entry '${printable(path)}'`;
      // Count each entry's 512-byte header too, so an archive of millions of empty entries is bounded as well.
      total += 512 + (header.type === 'file' || header.type === 'contiguous-file' ? (header.size ?? 0) : 0);
      if (total > limit) throw new UserError(`${label}: unpacked archive exceeds ${limit} bytes (it is held in memory); raise the limit to hash it`);
      switch (header.type) {
        case 'directory': {
          await drain(entry);
          const parts = splitPath(path, where);
          if (parts.length === 0) break; // "./" is the root itself
          const { dir, name } = parentOf(root, parts, where);
          const existing = dir.entries.get(name);
          if (existing?.kind !== 'directory') dir.entries.set(name, { kind: 'directory', entries: new Map() });
          break;
        }
        case 'file':
        case 'contiguous-file': {
          const size = header.size ?? 0;
          const contents = await readAll(entry, size);
          place(root, path, { kind: 'regular', executable: ((header.mode ?? 0) & 0o100) !== 0, size, contents }, where);
          break;
        }
        case 'symlink': {
          await drain(entry);
          if (header.linkname == null) throw new UserError(`${where}: symlink without a target`);
          place(root, path, { kind: 'symlink', target: entryPath(header.linkname, header.pax?.linkpath !== undefined, label) }, where);
          break;
        }
        case 'link': {
          await drain(entry);
          if (header.linkname == null) throw new UserError(`${where}: hard link without a target`);
          const targetPath = entryPath(header.linkname, header.pax?.linkpath !== undefined, label);
          const target = lookup(root, splitPath(targetPath, where));
          if (!target || target.kind !== 'regular') {
            throw new UserError(`${where}: hard link to '${printable(targetPath)}', which is not an earlier regular file of the archive`);
          }
          place(root, path, target, where); // shared node: the NAR repeats the content, like a hard link on disk
          break;
        }
        case 'character-device':
        case 'block-device':
        case 'fifo':
          throw new UserError(`${where}: ${header.type} entries cannot be represented in a NAR (Nix refuses them too)`);
        default:
          throw new UserError(`${where}: unsupported tar entry type '${header.type ?? 'unknown'}'`);
      }
    }
    await feed;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${label}: not a valid tar archive (${(err as Error).message})`);
  }
  return root;
}

/**
 * What `nix-prefetch-url --unpack` hashes: if the archive holds exactly one
 * top-level entry (directory, file or symlink) that entry, else the whole tree.
 * (`builtins.fetchTarball` instead refuses anything but exactly one entry.)
 */
export function stripSingleTopLevel(root: DirNode): { node: TreeNode; stripped: boolean; topLevelEntries: number } {
  const n = root.entries.size;
  if (n === 1) return { node: root.entries.values().next().value as TreeNode, stripped: true, topLevelEntries: 1 };
  return { node: root, stripped: false, topLevelEntries: n };
}

/** Writes a tree as a NAR (entries sorted bytewise). */
export function writeTreeNar(node: TreeNode, sink: ByteSink): number {
  const nar = new NarWriter(sink);
  nar.header();
  writeNode(node, nar);
  nar.flush();
  return nar.bytesWritten;
}

export function narHashOfTree(node: TreeNode, algorithm: HashAlgorithm = 'sha256'): NarHashResult {
  const sink = new HashSink(algorithm);
  const narSize = writeTreeNar(node, sink);
  return { hash: sink.digest(), narSize };
}

function writeNode(node: TreeNode, nar: NarWriter): void {
  switch (node.kind) {
    case 'regular':
      nar.beginFile(node.executable, node.size);
      for (const piece of node.contents) nar.fileChunk(piece);
      nar.endFile(node.size);
      return;
    case 'symlink':
      nar.symlink(node.target);
      return;
    case 'directory': {
      nar.beginDirectory();
      // latin1 keys: JS string order is byte order.
      const names = [...node.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const name of names) {
        nar.beginEntry(Buffer.from(name, 'latin1'));
        writeNode(node.entries.get(name)!, nar);
        nar.endEntry();
      }
      nar.endDirectory();
    }
  }
}

/**
 * Raw bytes of a tar path. Pax values were decoded as UTF-8 by tar-stream, which
 * turns invalid bytes into U+FFFD: such a name cannot be recovered, so we refuse
 * rather than hash a different name than Nix would.
 */
function entryPath(name: string, fromPax: boolean, label: string): Buffer {
  if (!fromPax) return Buffer.from(name, 'latin1');
  if (name.includes('\uFFFD')) {
    throw new UserError(`${label}: entry '${name}': pax header holds a non-UTF-8 file name, which cannot be hashed exactly; refused (re-create the archive with --format=gnu)`);
  }
  return Buffer.from(name, 'utf8');
}

function printable(path: Buffer): string {
  return path.toString('utf8');
}

function splitPath(path: Buffer, where: string): string[] {
  const s = path.toString('latin1');
  if (s.startsWith('/')) throw new UserError(`${where}: absolute path in archive refused`);
  const parts: string[] = [];
  for (const part of s.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new UserError(`${where}: path contains '..' (escapes the archive root); refused`);
    if (part.includes('\0')) throw new UserError(`${where}: NUL byte in path`);
    parts.push(part);
  }
  return parts;
}

/** Walks to the parent directory of `parts`, creating implied directories. */
function parentOf(root: DirNode, parts: string[], where: string): { dir: DirNode; name: string } {
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    let next = dir.entries.get(part);
    if (!next) {
      next = { kind: 'directory', entries: new Map() };
      dir.entries.set(part, next);
    }
    if (next.kind === 'symlink') throw new UserError(`${where}: path goes through a symlink; refused (as Nix does)`);
    if (next.kind !== 'directory') throw new UserError(`${where}: a parent of this path is a regular file`);
    dir = next;
  }
  return { dir, name: parts[parts.length - 1]! };
}

function place(root: DirNode, path: Buffer, node: FileNode | SymlinkNode, where: string): void {
  const parts = splitPath(path, where);
  if (parts.length === 0) throw new UserError(`${where}: a non-directory entry cannot be the archive root`);
  const { dir, name } = parentOf(root, parts, where);
  const existing = dir.entries.get(name);
  if (existing?.kind === 'directory' && existing.entries.size > 0) {
    throw new UserError(`${where}: cannot replace a non-empty directory with a ${node.kind === 'symlink' ? 'symlink' : 'file'} (libarchive refuses too)`);
  }
  dir.entries.set(name, node);
}

function lookup(root: DirNode, parts: string[]): TreeNode | undefined {
  let node: TreeNode | undefined = root;
  for (const part of parts) {
    if (node?.kind !== 'directory') return undefined;
    node = node.entries.get(part);
  }
  return node;
}

/** Copies an entry into pieces of at most CONTENT_PIECE bytes, so memory held is exactly the contents. */
async function readAll(entry: AsyncIterable<Buffer>, size: number): Promise<Buffer[]> {
  const pieces: Buffer[] = [];
  let piece = Buffer.alloc(0);
  let filled = 0;
  let off = 0;
  for await (const chunk of entry) {
    if (off + chunk.length > size) throw new UserError('tar entry longer than its header says');
    for (let at = 0; at < chunk.length; ) {
      if (filled === piece.length) {
        piece = Buffer.allocUnsafe(Math.min(CONTENT_PIECE, size - off));
        pieces.push(piece);
        filled = 0;
      }
      const n = chunk.copy(piece, filled, at);
      filled += n;
      at += n;
      off += n;
    }
  }
  if (off !== size) throw new UserError('tarball is truncated (an entry ends early)');
  return pieces;
}

async function drain(entry: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of entry) void chunk;
}

/** Feeds the extractor; stops reading (closing the source) as soon as the extractor is gone. */
async function pipeInto(input: Readable | AsyncIterable<Buffer>, extract: tar.Extract): Promise<void> {
  try {
    for await (const chunk of input) {
      if (extract.destroyed) return;
      if (!extract.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            extract.off('drain', done);
            extract.off('close', done);
            resolve();
          };
          extract.on('drain', done);
          extract.on('close', done);
        });
      }
    }
    if (!extract.destroyed) (extract as unknown as { end(): void }).end(); // streamx's typings demand a chunk
  } catch (err) {
    if (!extract.destroyed) extract.destroy(err as Error);
  }
}

interface RawHeader {
  name: string;
  size?: number;
  mode?: number;
  type: string | null;
  linkname: string | null;
  pax?: Record<string, string> | null;
}
