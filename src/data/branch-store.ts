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
import { isReleaseName, SUPPORTED_BRANCHES, type SupportedBranches } from './nixpkgs-branches.js';

export const BRANCHES_FILE = 'nixpkgs-branches.json';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NIXHARDEN_DATA_DIR) return env.NIXHARDEN_DATA_DIR;
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'nixharden');
}

/** Why `date` cannot date a list (not YYYY-MM-DD on the calendar, or after tomorrow in UTC), or undefined. */
export function asOfProblem(date: string, now = Date.now()): string | undefined {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : undefined;
  // Date rolls 2026-02-30 over to March: only a date that comes back unchanged is on the calendar.
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return `${JSON.stringify(date)} is not a calendar date (YYYY-MM-DD)`;
  // Tomorrow is still today somewhere: allow one day for time zones, no more.
  if (date > new Date(now + 86_400_000).toISOString().slice(0, 10)) return `${date} is in the future; a list can only say what was supported up to today`;
  return undefined;
}

/** Validates a list read from `file`; a bad entry is a UserError naming the file and line. */
export function parseBranchList(text: string, file: string): SupportedBranches {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`not a branch list: ${(e as Error).message}`, undefined, file);
  }
  return checkBranchList(doc, file, (needle) => {
    const i = text.indexOf(needle);
    return i < 0 ? 1 : text.slice(0, i).split('\n').length;
  });
}

/** Validates a list given on the command line; errors name `place` (the flag), without a line. */
export function branchListOf(releases: string[], asOf: string, place: string): SupportedBranches {
  return checkBranchList({ asOf, releases }, place, () => undefined);
}

function checkBranchList(doc: unknown, place: string, lineOf: (needle: string) => number | undefined): SupportedBranches {
  const d = doc as Partial<SupportedBranches>;
  if (typeof d !== 'object' || d === null || typeof d.asOf !== 'string') {
    throw new UserError('a branch list needs "asOf": "YYYY-MM-DD" and "releases": ["YY.05" or "YY.11", …]', undefined, place, lineOf('"asOf"'));
  }
  const dateProblem = asOfProblem(d.asOf);
  if (dateProblem) throw new UserError(dateProblem, undefined, place, lineOf('"asOf"'));
  if (!Array.isArray(d.releases) || d.releases.length === 0) throw new UserError('name at least one release (YY.05 or YY.11)', undefined, place, lineOf('"releases"'));
  for (const r of d.releases) {
    if (typeof r !== 'string' || !isReleaseName(r)) throw new UserError(`release ${JSON.stringify(r)} is not a nixpkgs release (YY.05 or YY.11)`, undefined, place, lineOf(JSON.stringify(r)));
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
