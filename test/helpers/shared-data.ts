import fs from 'node:fs';
import path from 'node:path';
import { describeWhen } from './requires.js';

/**
 * ../shared/data beside the checkout holds real vectors (signed commits, stagex
 * digests, platform keys). They are not part of the project: tests that need them
 * use `describeWithSharedData`, which skips cleanly when the folder is absent.
 * NIXHARDEN_SHARED_DATA points elsewhere (a git worktree is not beside ../shared).
 */
export const sharedDataDir = process.env.NIXHARDEN_SHARED_DATA
  ? path.resolve(process.env.NIXHARDEN_SHARED_DATA)
  : path.resolve(process.cwd(), '..', 'shared', 'data');

export function hasSharedData(sub = ''): boolean {
  return fs.existsSync(path.join(sharedDataDir, sub));
}

/** Skips when ../shared/data/<sub> is absent, but fails under CI=true (test/helpers/requires.ts). */
export function describeWithSharedData(sub: string, name: string, fn: () => void): void {
  describeWhen(hasSharedData(sub), `../shared/data/${sub}`, name, fn);
}
