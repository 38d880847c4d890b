/**
 * Tags: what a tag name points at, followed down to a commit, with the raw
 * annotated tag objects on the way (so their signatures are checked locally,
 * like commits). A lightweight tag names the commit directly and carries no
 * object, hence no signature. Local clones are read here; GitHub in github-tags.ts.
 */
import { UserError } from '../core/errors.js';
import { CatFileBatch } from './git-batch.js';

/** One annotated tag object: its bytes (as `git cat-file tag` prints them), or why they could not be had. */
export type TagObjectRead = { oid: string; raw: Buffer } | { oid: string; error: string };

export interface ResolvedTag {
  name: string;
  /** The commit the tag finally names. */
  commit: string;
  /** Annotated tag objects from the one the ref names down to the commit; empty for a lightweight tag. */
  objects: TagObjectRead[];
}

export interface TagResolver {
  resolveTag(name: string): Promise<ResolvedTag>;
  close(): Promise<void>;
}

/** Tags of tags are followed this deep at most. */
export const MAX_TAG_DEPTH = 8;

/** Tag names the resolvers accept: git's own rules are looser, but these are what `pin` writes and reads back. */
export function checkTagName(name: string): void {
  if (!/^[A-Za-z0-9._+-][A-Za-z0-9._/+-]*$/.test(name) || name.includes('..') || name.endsWith('.lock') || name.endsWith('/')) {
    throw new UserError(`not a tag name nixharden resolves: ${JSON.stringify(name)}`);
  }
}

/** The `object` and `type` headers of a raw tag object. */
export function tagTarget(raw: Buffer): { object: string; type: string } | undefined {
  const head = raw.toString('utf8', 0, Math.min(raw.length, 4096));
  const m = /^object ([0-9a-f]{40}|[0-9a-f]{64})\ntype (commit|tree|blob|tag)\n/.exec(head);
  return m ? { object: m[1]!, type: m[2]! } : undefined;
}

/** Tags of a local clone, read through one `git cat-file --batch`. */
export class LocalTags implements TagResolver {
  private readonly batch: CatFileBatch;

  constructor(readonly dir: string) {
    this.batch = new CatFileBatch(dir);
  }

  async resolveTag(name: string): Promise<ResolvedTag> {
    checkTagName(name);
    const objects: TagObjectRead[] = [];
    let obj = await this.batch.read(`refs/tags/${name}`);
    if (!obj) throw new UserError(`no tag ${name} in ${this.dir}`);
    for (let depth = 0; obj.type === 'tag'; depth++) {
      if (depth >= MAX_TAG_DEPTH) throw new UserError(`tag ${name} is nested more than ${MAX_TAG_DEPTH} deep`);
      objects.push({ oid: obj.oid, raw: obj.content });
      const next = tagTarget(obj.content);
      if (!next) throw new UserError(`tag object ${obj.oid} of ${name} is malformed`);
      const read = await this.batch.read(next.object);
      if (!read) throw new UserError(`tag ${name} points at ${next.object}, which is not in ${this.dir}`);
      obj = read;
    }
    if (obj.type !== 'commit') throw new UserError(`tag ${name} names a ${obj.type}, not a commit`);
    return { name, commit: obj.oid, objects };
  }

  close(): Promise<void> {
    return this.batch.close();
  }
}
