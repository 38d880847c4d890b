/**
 * A place commits come from (a local repository, the GitHub REST API). The
 * verifier only needs raw commit objects and the commit graph; every source
 * hands back the exact bytes so signatures are always checked locally.
 */
export interface CommitNode {
  oid: string;
  parents: string[];
}

export type CommitRead = { raw: Buffer } | { error: string };

export interface WalkOptions {
  /** Commits to start from (resolved oids). */
  tips: string[];
  /** Stop at these commits and their ancestors (resolved oids): `A..B` excludes A. */
  exclude: string[];
  /** Follow only first parents. */
  firstParent: boolean;
  /** At most this many commits. */
  limit?: number;
}

export interface CommitSource {
  /** For messages: a path or `github:owner/repo`. */
  readonly label: string;
  /** References that identify the repository for policy lookup (paths, remote URLs, owner/repo). */
  identity(): Promise<string[]>;
  /** The branch that `HEAD` names (local) or the default branch (GitHub), if known. */
  currentBranch(): Promise<string | undefined>;
  /** A revision (sha, branch, `HEAD~3`) → full commit oid; UserError when it does not resolve. */
  resolve(rev: string): Promise<string>;
  /** Commits reachable from `tips` and not from `exclude`, newest first. */
  walk(opts: WalkOptions): Promise<CommitNode[]>;
  /**
   * Raw commit objects (as `git cat-file commit` prints them), each either the
   * bytes or why they could not be had (missing, does not hash to its id, …).
   */
  readCommits(oids: string[]): Promise<Map<string, CommitRead>>;
  close(): Promise<void>;
}
