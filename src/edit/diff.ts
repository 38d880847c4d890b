import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of one file with `a/` and `b/` prefixes, which `git apply`
 * and `patch -p1` accept. Empty when nothing changed. `file` should be
 * relative to the directory the patch will be applied in.
 */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const name = file.replace(/\\/g, '/').replace(/^\/+/, '');
  // Like git, end a name holding whitespace with a tab: GNU patch reads the name up to the tab.
  const header = /\s/.test(name) ? '' : undefined;
  const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, header, header, { context });
  // jsdiff opens with a "=====" separator line that neither git nor patch needs.
  return patch.replace(/^=+\n/, '');
}
