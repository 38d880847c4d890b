/** SARIF `fixes` carry the same edits `scan --fix` writes: applying them reproduces the .fixed file. */
import fs from 'node:fs';
import path from 'node:path';
import { renderSarif } from '../../src/report/sarif.js';
import { analyzePaths } from '../../src/app/scan.js';

interface Replacement {
  deletedRegion: { charOffset: number; charLength: number };
  insertedContent: { text: string };
}

interface ArtifactChange {
  artifactLocation: { uri: string };
  replacements: Replacement[];
}

describe('SARIF fixes', () => {
  it('replacements applied to the source give the reviewed .fixed output', async () => {
    const dir = path.resolve('fixtures/fix/NH008-accept-flake-config');
    const result = await analyzePaths([dir], { noConfig: true, root: dir, jobs: 1 });
    const log = JSON.parse(renderSarif(result));
    const withFix = log.runs[0].results.filter((r: { fixes?: unknown[] }) => r.fixes);
    // One finding per value shape (a bool, a string, a wrapped value, inside extraOptions), one file each.
    expect(withFix).toHaveLength(4);
    for (const finding of withFix) {
      const fix = finding.fixes[0];
      expect(fix.description.text).toMatch(/accept-flake-config = false.*nixharden scan --fix\)$/);
      expect(fix.artifactChanges).toHaveLength(1);
      const change = fix.artifactChanges[0] as ArtifactChange;
      let text = fs.readFileSync(path.join(dir, change.artifactLocation.uri), 'utf8');
      const reps = [...change.replacements].sort((a, b) => b.deletedRegion.charOffset - a.deletedRegion.charOffset);
      for (const r of reps) text = text.slice(0, r.deletedRegion.charOffset) + r.insertedContent.text + text.slice(r.deletedRegion.charOffset + r.deletedRegion.charLength);
      expect(text).toBe(fs.readFileSync(path.join(dir, `${change.artifactLocation.uri}.fixed`), 'utf8'));
    }
  });
});
