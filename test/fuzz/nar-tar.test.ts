/**
 * Fuzzing NAR serialisation and tar reading (pin/nar/). A case is a generated file
 * tree, and edits to its tar. Properties:
 * - the tree's tar, read back by readTarTree, gives the same NAR as the tree itself;
 * - a damaged tar (bytes flipped, cut, inserted) is read or refused with a UserError,
 *   never another exception, also through narHashOfTarball's decompression sniffing;
 * - oracle, on every 10th case: the tree written to disk gives byte for byte the NAR
 *   `nix-store --dump` writes, both from the in-memory tree and from dumpPath.
 */
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { BufferSink } from '../../src/pin/nar/nar-writer.js';
import { dumpPath } from '../../src/pin/nar/dump-path.js';
import { readTarTree, writeTreeNar, type TreeNode } from '../../src/pin/nar/tar-tree.js';
import { narHashOfTarball } from '../../src/pin/nar/prefetch.js';
import { hasNix } from '../syntax/oracle.js';
import { describeWhen } from '../helpers/requires.js';
import { fuzz, replayFixtures, type FuzzTarget } from './harness.js';
import { applyByteEdits, byteEdits, sampled, type ByteEdit } from './gen/bytes.js';
import { genTree, tarOf, toTreeNode, writeTree, type GenNode } from './gen/tree.js';

interface NarCase {
  tree: GenNode & { dir: [string, GenNode][] };
  tarEdits: ByteEdit[];
}
interface Dumps {
  nix: Buffer;
  dumpPath: Buffer;
}

function narOf(node: TreeNode): Buffer {
  const sink = new BufferSink();
  writeTreeNar(node, sink);
  return sink.bytes();
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

async function dumps(c: NarCase): Promise<Dumps> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fuzz-nar-'));
  try {
    const root = path.join(dir, 'root');
    writeTree(c.tree, root);
    const sink = new BufferSink();
    await dumpPath(root, sink);
    return { nix: execFileSync('nix-store', ['--dump', root], { maxBuffer: 1024 ** 3 }), dumpPath: sink.bytes() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function checkNar(c: NarCase, oracle: Dumps | undefined): Promise<void> {
  const nar = narOf(toTreeNode(c.tree));
  const tarBytes = await tarOf(c.tree);
  const fromTar = await readTarTree(once(tarBytes));
  if (!narOf(fromTar).equals(nar)) throw new Error('the tree read back from its tar gives another NAR');
  if (c.tarEdits.length > 0) {
    const damaged = applyByteEdits(tarBytes, c.tarEdits);
    for (const read of [() => readTarTree(once(damaged)), () => narHashOfTarball(once(damaged))]) {
      try {
        await read();
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
      }
    }
  }
  if (oracle) {
    if (!oracle.nix.equals(nar)) throw new Error('the NAR of the tree differs from nix-store --dump');
    if (!oracle.dumpPath.equals(oracle.nix)) throw new Error('dumpPath differs from nix-store --dump');
  }
}

export const narTarget: FuzzTarget<NarCase, Dumps | undefined> = {
  name: 'nar-tar',
  arbitrary: fc.record({ tree: genTree as fc.Arbitrary<NarCase['tree']>, tarEdits: fc.oneof(fc.constant<ByteEdit[]>([]), byteEdits()) }),
  oracle: (cases) => Promise.all(cases.map((c, i) => (sampled(i, 10) ? dumps(c) : undefined))),
  check: checkNar,
  fromFixture: (b) => JSON.parse(b.toString('utf8')) as NarCase,
  shortCases: 60,
};

describeWhen(hasNix(), 'nix-store (apt-get install nix-bin)', 'fuzz: NAR and tar (oracle: nix-store --dump)', () => {
  fuzz(narTarget);
  replayFixtures(narTarget);
});
