/**
 * A user copy of the supported-branch list, written by `nixharden data branches --set/--from`
 * and read by scans in place of the embedded list when it is newer. Lives in
 * $NIXHARDEN_DATA_DIR or $XDG_DATA_HOME/nixharden (default ~/.local/share/nixharden).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { SUPPORTED_BRANCHES, type SupportedBranches } from './nixpkgs-branches.js';

export const BRANCHES_FILE = 'nixpkgs-branches.json';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NIXHARDEN_DATA_DIR) return env.NIXHARDEN_DATA_DIR;
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'nixharden');
}

const RELEASE = /^\d{2}\.\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates a list read from `file`; a bad entry is a UserError naming the file and line. */
export function parseBranchList(text: string, file: string): SupportedBranches {
  const lineOf = (needle: string): number | undefined => {
    const i = text.indexOf(needle);
    return i < 0 ? undefined : text.slice(0, i).split('\n').length;
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`not a branch list: ${(e as Error).message}`, undefined, file);
  }
  const d = doc as Partial<SupportedBranches>;
  if (typeof d !== 'object' || d === null || typeof d.asOf !== 'string' || !DATE.test(d.asOf)) {
    throw new UserError('a branch list needs "asOf": "YYYY-MM-DD" and "releases": ["YY.MM", …]', undefined, file, lineOf('"asOf"') ?? 1);
  }
  if (!Array.isArray(d.releases) || d.releases.length === 0) throw new UserError('"releases" must be a non-empty list of "YY.MM" versions', undefined, file, lineOf('"releases"') ?? 1);
  for (const r of d.releases) {
    if (typeof r !== 'string' || !RELEASE.test(r)) throw new UserError(`release ${JSON.stringify(r)} is not a YY.MM version`, undefined, file, lineOf(JSON.stringify(r)) ?? 1);
  }
  return { asOf: d.asOf, releases: [...d.releases] };
}

/** The list scans use: the user's copy when present and at least as new as the embedded one. */
export function loadBranchList(env: NodeJS.ProcessEnv = process.env): SupportedBranches & { source: 'embedded' | string } {
  const file = path.join(dataDir(env), BRANCHES_FILE);
  if (!fs.existsSync(file)) return { ...SUPPORTED_BRANCHES, source: 'embedded' };
  const user = parseBranchList(fs.readFileSync(file, 'utf8'), file);
  return user.asOf >= SUPPORTED_BRANCHES.asOf ? { ...user, source: file } : { ...SUPPORTED_BRANCHES, source: 'embedded' };
}

export async function saveBranchList(list: SupportedBranches, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = dataDir(env);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, BRANCHES_FILE);
  await writeFileAtomic(file, `${JSON.stringify(list, null, 2)}\n`);
  return file;
}
