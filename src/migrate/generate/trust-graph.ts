/**
 * The trust graph of a host before and after the migration, as Graphviz DOT,
 * laid out into SVG at generation time by Graphviz compiled to WebAssembly
 * (@viz-js/viz), so plan.html needs no script and no network.
 */
import { escapeControl } from '../../core/escape.js';
import type { MigrationPlan } from './plan-types.js';

function dotText(s: string): string {
  return escapeControl(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function q(s: string): string {
  return `"${dotText(s)}"`;
}

/** A DOT label of several lines. */
function lines(...ls: string[]): string {
  return `"${ls.map(dotText).join('\\n')}"`;
}

const STYLE = [
  'bgcolor="transparent"',
  'node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.15,0.08"]',
  'edge [fontname="Helvetica", fontsize=9, color="#555555"]',
];
const RISK = 'fillcolor="#fbe3e1", color="#c0392b"';
const NEUTRAL = 'fillcolor="#eef1f5", color="#7f8c8d"';
const GOOD = 'fillcolor="#e3f4e8", color="#2e8b57"';

const MAX_ACCOUNTS = 6;

/** Pinned sources grouped by the account that controls them (`github:NixOS`, a git host), largest first. */
function accounts(sources: string[]): string[][] {
  const byAccount = new Map<string, number>();
  for (const s of sources) {
    const m = /^github:([^/]+)\//.exec(s) ?? /^[a-z+]+:\/\/([^/]+)/i.exec(s);
    const key = m ? (s.startsWith('github:') ? `GitHub account ${m[1]}` : `host ${m[1]}`) : s;
    byAccount.set(key, (byAccount.get(key) ?? 0) + 1);
  }
  const sorted = [...byAccount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, MAX_ACCOUNTS).map(([k, n]) => [k, n === 1 ? 'one source' : `${n} sources`]);
  const rest = sorted.slice(MAX_ACCOUNTS);
  if (rest.length) shown.push([`${rest.length} more account(s)`, `${rest.reduce((n, [, c]) => n + c, 0)} sources`]);
  return shown;
}

/** Today: whoever controls one cache key, one hosting account, or a mutable pin can change what the host runs. */
export function beforeDot(plan: MigrationPlan): string {
  const t = plan.trustToday;
  const out = ['digraph before {', '  rankdir=LR;', ...STYLE.map((s) => `  ${s};`)];
  out.push(`  host [label=${lines(`host ${plan.host}`, 'nixos-rebuild')}, ${NEUTRAL}];`);
  out.push(`  config [label=${lines('your configuration', `${plan.source.files.length} file(s)`)}, ${NEUTRAL}];`);
  out.push(`  pins [label=${lines(`${plan.pins.total} pin(s)`, `${plan.pins.mutable} mutable`)}, ${plan.pins.mutable ? RISK : NEUTRAL}];`);
  out.push('  host -> config;', '  config -> pins [label="fetches"];');
  const accts = accounts(t.sources.length ? t.sources : ['github:NixOS/nixpkgs']);
  accts.forEach((a, i) => {
    out.push(`  src${i} [label=${lines(...a)}, ${RISK}];`, `  pins -> src${i};`);
  });
  // Hydra builds what the NixOS account's nixpkgs says, whoever else the pins trust.
  let nixos = `src${accts.findIndex((a) => a[0] === 'GitHub account NixOS')}`;
  if (nixos === 'src-1') {
    nixos = 'nixpkgs';
    out.push(`  nixpkgs [label=${lines('GitHub account NixOS', 'nixpkgs')}, ${RISK}];`);
  }
  out.push(`  hydra [label=${lines('Hydra', 'builds nixpkgs once')}, ${RISK}];`);
  out.push(`  hydra -> ${nixos} [label="builds from"];`);
  const caches = t.substituters.length ? t.substituters : ['https://cache.nixos.org'];
  caches.forEach((c, i) => {
    out.push(`  cache${i} [label=${lines(c)}, ${NEUTRAL}];`, `  host -> cache${i} [label="substitutes binaries"];`);
  });
  const keys = t.keys.length ? t.keys : ['cache.nixos.org-1'];
  keys.forEach((k, i) => {
    out.push(`  key${i} [label=${lines(`key ${k}`, 'ANY ONE trusted key suffices')}, ${RISK}];`);
    for (let c = 0; c < caches.length; c++) out.push(`  cache${c} -> key${i} [label="signed by"];`);
  });
  out.push('  key0 -> hydra [label="held by"];', '}');
  return out.join('\n');
}

/** After: source hashes, M-of-N maintainers, reproducible builds checked by independent builders. */
export function afterDot(plan: MigrationPlan): string {
  // Top to bottom, so that the maintainers stand in one row.
  const out = ['digraph after {', '  rankdir=TB;', '  nodesep=0.25;', ...STYLE.map((s) => `  ${s};`)];
  out.push(`  upstream [label=${lines('upstream release tarballs', 'pinned by sha256 (package.toml)')}, ${GOOD}];`);
  out.push(`  seed [label=${lines('bootstrap seed', 'hex0, a few hundred bytes')}, ${GOOD}];`);
  out.push(`  recipes [label=${lines('stagex Containerfiles', 'reviewed in git')}, ${NEUTRAL}];`);
  out.push('  subgraph cluster_maintainers {', `    label=${q(`stagex maintainers: ${plan.threshold} of ${plan.signers.length} must sign`)};`, '    style="rounded,dashed"; color="#2e8b57"; fontname="Helvetica"; fontsize=11;');
  plan.signers.forEach((s, i) => out.push(`    m${i} [label=${q(s.id)}, ${GOOD}];`));
  out.push('  }');
  out.push(`  images [label=${lines('stagex images', plan.stagex.pinned ? 'pinned by digest' : 'UNPINNED: run stagex import')}, ${plan.stagex.pinned ? GOOD : RISK}];`);
  out.push(`  verify [label=${lines('nixharden verify image', `>= ${plan.threshold} distinct maintainers`)}, ${GOOD}];`);
  out.push(`  build [label=${lines('your build', 'SOURCE_DATE_EPOCH=1, no network')}, ${NEUTRAL}];`);
  out.push(`  ba [label=${lines('CI builder a')}, ${NEUTRAL}];`, `  bb [label=${lines('CI builder b', 'other hardware')}, ${NEUTRAL}];`);
  out.push(`  compare [label=${lines('digests equal?')}, ${GOOD}];`);
  out.push(`  signed [label=${lines(`host ${plan.host} images`, 'signed by both builders')}, ${GOOD}];`);
  out.push(`  deploy [label=${lines('podman / CRI-O', 'policy.json')}, ${NEUTRAL}];`);
  out.push('  upstream -> recipes; seed -> recipes;');
  plan.signers.forEach((_, i) => out.push(`  recipes -> m${i} [style=dotted, arrowhead=none];`, `  m${i} -> images [style=dotted];`));
  out.push('  images -> verify -> build;', '  build -> ba; build -> bb;', '  ba -> compare; bb -> compare;', '  compare -> signed -> deploy;', '}');
  return out.join('\n');
}

type Viz = { renderString(dot: string, opts: { format: 'svg' }): string };
let viz: Promise<Viz> | undefined;

/** DOT → an SVG element to inline in HTML (no XML prolog, doctype or comments). */
export async function renderSvg(dot: string): Promise<string> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const svg = (await viz).renderString(dot, { format: 'svg' });
  return svg
    .replace(/<\?xml[^>]*\?>\s*/, '')
    .replace(/<!DOCTYPE[^>]*>\s*/, '')
    .replace(/<!--[\s\S]*?-->\s*/g, '')
    .trim();
}
