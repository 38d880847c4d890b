/**
 * File trees for the NAR and tar fuzz target: nested directories, empty ones,
 * executables, symlinks (relative, absolute, dangling), and names whose byte order
 * differs from their UTF-16 order. A tree is plain data (JSON), so a counterexample
 * can be kept as a fixture; `toTreeNode` gives the in-memory tree the NAR writer takes.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import type { DirNode, TreeNode } from '../../../src/pin/nar/tar-tree.js';

export type GenNode = { dir: [string, GenNode][] } | { file: string; exec: boolean } | { link: string };

const NAME_PARTS = ['a', 'b', 'A', 'Z', '.hidden', 'a.b', 'a-b', '_', 'x y', 'ä', 'ü', '日本', '😀', 'Ａ', '0', '~', 'nix', '.'.repeat(3)];
const name = fc.array(fc.constantFrom(...NAME_PARTS), { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
const contents = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '\0\x01\xff', 'x'.repeat(700), '#!/bin/sh\necho hi\n'));
const linkTarget = fc.oneof(fc.constantFrom('a', '../b', '/nonexistent/abs', './x y/ä', 'a/../../z'), name);

export const genTree: fc.Arbitrary<GenNode> = fc.letrec<{ node: GenNode; dir: GenNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ file: contents, exec: fc.boolean() }),
    fc.record({ link: linkTarget }),
    tie('dir'),
  ),
  dir: fc.record({ dir: fc.uniqueArray(fc.tuple(name, tie('node')), { maxLength: 5, selector: ([n]) => n }) }),
})).dir;

/** NAR names are bytes: keys are the UTF-8 bytes one per char (latin1), as tar-tree.ts keeps them. */
const bytesKey = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

export function toTreeNode(g: GenNode): TreeNode {
  if ('dir' in g) return { kind: 'directory', entries: new Map(g.dir.map(([n, c]) => [bytesKey(n), toTreeNode(c)])) } satisfies DirNode;
  if ('link' in g) return { kind: 'symlink', target: Buffer.from(g.link) };
  const contents = Buffer.from(g.file, 'latin1');
  return { kind: 'regular', executable: g.exec, size: contents.length, contents: [contents] };
}

/** Writes the tree at `at` (which must not exist). */
export function writeTree(g: GenNode, at: string): void {
  if ('dir' in g) {
    fs.mkdirSync(at);
    for (const [n, c] of g.dir) writeTree(c, path.join(at, n));
  } else if ('link' in g) fs.symlinkSync(g.link, at);
  else {
    fs.writeFileSync(at, Buffer.from(g.file, 'latin1'));
    fs.chmodSync(at, g.exec ? 0o755 : 0o644);
  }
}

/** A tar of the tree's entries (the root's children at the top level), parents before children. */
export async function tarOf(g: { dir: [string, GenNode][] }): Promise<Buffer> {
  const pack = tar.pack();
  const add = (node: GenNode, at: string): void => {
    const header = { name: at, mtime: new Date(0) };
    if ('dir' in node) {
      pack.entry({ ...header, type: 'directory', mode: 0o755 });
      for (const [n, c] of node.dir) add(c, `${at}/${n}`);
    } else if ('link' in node) pack.entry({ ...header, type: 'symlink', linkname: node.link, mode: 0o777 });
    else pack.entry({ ...header, type: 'file', mode: node.exec ? 0o755 : 0o644 }, Buffer.from(node.file, 'latin1'));
  };
  for (const [n, c] of g.dir) add(c, n);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
