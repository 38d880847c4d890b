import fs from 'node:fs';
import path from 'node:path';

/** `# ruleid: NH001` / `# ok: NH001` (several ids may be comma-separated). */
const ANNOTATION = /#\s*(ruleid|ok):\s*(NH\d{3}(?:\s*,\s*NH\d{3})*)\s*$/;

export interface Expectation {
  /** Absolute path of the fixture file. */
  file: string;
  line: number;
  rule: string;
  kind: 'ruleid' | 'ok';
}

export function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/**
 * Semgrep-style annotations: each applies to the next line that is not itself an
 * annotation. JSON fixtures list theirs in an `expected.json` sidecar:
 * `[{ "file": "flake.lock", "rule": "NH012", "line": 5 }]`.
 */
export function expectationsIn(dir: string): Expectation[] {
  const out: Expectation[] = [];
  for (const file of walk(dir)) {
    const base = path.basename(file);
    if (base === 'expected.json') {
      const list = JSON.parse(fs.readFileSync(file, 'utf8')) as { file: string; rule: string; line: number }[];
      for (const e of list) out.push({ file: path.join(path.dirname(file), e.file), line: e.line, rule: e.rule, kind: 'ruleid' });
      continue;
    }
    if (!base.endsWith('.nix') && !base.endsWith('.conf')) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let pending: { kind: 'ruleid' | 'ok'; rules: string[] }[] = [];
    lines.forEach((text, i) => {
      const m = ANNOTATION.exec(text);
      if (m) {
        pending.push({ kind: m[1] as 'ruleid' | 'ok', rules: m[2]!.split(',').map((r) => r.trim()) });
        return;
      }
      for (const p of pending) for (const rule of p.rules) out.push({ file, line: i + 1, rule, kind: p.kind });
      pending = [];
    });
  }
  return out;
}
