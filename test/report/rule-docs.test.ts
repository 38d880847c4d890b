import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderDocs, staleDocs, writeDocs } from '../../src/report/rule-docs.js';
import { loadRuleMetas } from '../../src/rules/meta.js';

describe('generated rule docs', () => {
  it('docs/rules matches the metadata (run `node dist/report/rule-docs.js` after editing rules/*.yaml)', () => {
    expect(staleDocs()).toEqual([]);
  });

  it('each page has the same headings and names its metadata, logic and fixtures', () => {
    for (const [name, text] of renderDocs(loadRuleMetas())) {
      if (name === 'README.md') continue;
      if (/^NH\d{3}\.md$/.test(name)) {
        // The old address keeps working: a stub that links to the keyed page.
        expect(text).toMatch(/This page moved to \[NH\d{3}-[a-z0-9-]+\.md\]\(NH\d{3}-[a-z0-9-]+\.md\)/);
        continue;
      }
      for (const h of ['## What it finds', '## Why it matters', '## How to fix', '## Example', '## References']) expect(text).toContain(h);
      expect(text).toMatch(/src\/rules\/checks\/NH\d{3}-[a-z-]+\.ts/);
    }
  });

  it('detects a stale, a missing and an extra page', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-docs-'));
    writeDocs(dir);
    expect(staleDocs(dir)).toEqual([]);
    fs.appendFileSync(path.join(dir, 'NH001.md'), 'hand edit\n');
    fs.rmSync(path.join(dir, 'NH002.md'));
    fs.writeFileSync(path.join(dir, 'NH999.md'), 'orphan\n');
    expect(staleDocs(dir)).toEqual(['NH001.md', 'NH002.md', 'NH999.md']);
    fs.rmSync(dir, { recursive: true });
  });
});
