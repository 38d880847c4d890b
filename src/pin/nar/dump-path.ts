import { promises as fs, constants as fsc } from 'node:fs';
import { UserError } from '../../core/errors.js';
import type { HashAlgorithm } from '../../core/nix-hash.js';
import { HashSink, NarWriter, compareNames, type ByteSink, type NarHashResult } from './nar-writer.js';

const SLASH = Buffer.from('/');
const READ_CHUNK = 1024 * 1024;

/**
 * Serialises the file, symlink or directory at `path` as a NAR into `sink`,
 * exactly as `nix-store --dump` does: symlinks are not followed, a file is
 * executable when its owner-execute bit is set, directory entries are sorted
 * bytewise, names are kept as raw bytes (non-UTF-8 names survive).
 * File contents stream through in 1 MiB chunks; nothing is held whole.
 */
export async function dumpPath(path: string, sink: ByteSink): Promise<number> {
  const nar = new NarWriter(sink);
  nar.header();
  await dumpNode(Buffer.from(path), nar);
  nar.flush();
  return nar.bytesWritten;
}

/** The NAR hash of a path, as `nix hash path` / `nix-hash --type sha256` print it. */
export async function narHashOfPath(path: string, algorithm: HashAlgorithm = 'sha256'): Promise<NarHashResult> {
  const sink = new HashSink(algorithm);
  const narSize = await dumpPath(path, sink);
  return { hash: sink.digest(), narSize };
}

async function dumpNode(path: Buffer, nar: NarWriter): Promise<void> {
  const st = await fs.lstat(path);
  if (st.isSymbolicLink()) {
    nar.symlink(await fs.readlink(path, { encoding: 'buffer' }));
  } else if (st.isFile()) {
    await dumpFile(path, (st.mode & fsc.S_IXUSR) !== 0, st.size, nar);
  } else if (st.isDirectory()) {
    const names = await fs.readdir(path, { encoding: 'buffer' });
    names.sort(compareNames);
    nar.beginDirectory();
    for (const name of names) {
      nar.beginEntry(name);
      await dumpNode(Buffer.concat([path, SLASH, name]), nar);
      nar.endEntry();
    }
    nar.endDirectory();
  } else {
    // Sockets, fifos and device nodes have no NAR representation; Nix refuses them too.
    throw new UserError(`file '${path.toString()}' has an unsupported type (not a regular file, directory or symlink)`);
  }
}

async function dumpFile(path: Buffer, executable: boolean, size: number, nar: NarWriter): Promise<void> {
  nar.beginFile(executable, size);
  const fh = await fs.open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(size, 1)));
    let done = 0;
    while (done < size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - done), done);
      if (bytesRead === 0) break;
      nar.fileChunk(buf.subarray(0, bytesRead));
      done += bytesRead;
    }
    // The NAR header already promised `size` bytes: a file that changed under us would give a corrupt hash.
    if (done !== size) throw new UserError(`file '${path.toString()}' changed size while being hashed`);
  } finally {
    await fh.close();
  }
  nar.endFile(size);
}
