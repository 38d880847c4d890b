/**
 * `nixharden verify image REF… --policy FILE` and `nixharden verify cache
 * PATH… --policy FILE`: quorum verification of container images (simple
 * signing, lookaside) and of store paths in binary caches (narinfo signatures,
 * agreement across caches).
 */
import { Option } from 'commander';
import { ExitCode, UserError } from '../core/errors.js';
import { escapeControl } from '../core/escape.js';
import { positiveInt } from './flags.js';
import type { Register } from './types.js';
import type { ImageResult } from '../app/verify-image.js';
import type { PathVerdict } from '../trust/caches/evaluate.js';

interface CommonFlags {
  policy: string;
  format: 'text' | 'json';
  timeout?: number;
  retries?: number;
}

interface ImageFlags extends CommonFlags {
  registry?: string;
}

interface CacheFlags extends CommonFlags {
  closure?: string;
  jobs?: number;
}

const count = (v: string): number => {
  if (!/^\d+$/.test(v)) throw new UserError(`not a count: ${JSON.stringify(v)}`);
  return Number(v);
};

export const register: Register = (program, setExitCode) => {
  const verify = program.command('verify').description('verify container images or binary-cache store paths against a quorum trust policy');
  const common = (cmd: ReturnType<typeof verify.command>) =>
    cmd
      .requiredOption('--policy <file>', 'trust policy with [[images]] / [[caches]] entries')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--timeout <seconds>', 'network timeout per request phase (default 30)', positiveInt)
      .option('--retries <n>', 'retries after 5xx, 429 or a timeout (default 3)', count);

  common(verify.command('image').description('check each image against its [[images]] rules (OpenPGP simple signing from the lookaside)').argument('<refs...>', 'registry/repo@sha256:… or registry/repo:tag'))
    .option('--registry <url>', 'registry API base URL for resolving tags (default https://<registry host>)')
    .action(async (refs: string[], flags: ImageFlags) => {
      const [{ loadPolicy }, { verifyImages }] = await Promise.all([import('../trust/policy/policy.js'), import('../app/verify-image.js')]);
      const policy = await loadPolicy(flags.policy);
      const results = await verifyImages({ refs, policy, ...(flags.registry ? { registry: flags.registry } : {}), http: httpOptions(flags) });
      for (const r of results) process.stdout.write(flags.format === 'json' ? `${JSON.stringify(imageJson(r))}\n` : renderImage(r));
      if (flags.format === 'text') process.stdout.write(`${results.filter((r) => r.verified).length} of ${results.length} image(s) verified\n`);
      setExitCode(results.every((r) => r.verified) ? ExitCode.Ok : ExitCode.Findings);
    });

  common(verify.command('cache').description('check store paths against the [[caches]] rules (narinfo signatures and agreement across caches)').argument('[paths...]', 'store paths (/nix/store/…)'))
    .option('--closure <file>', 'read store paths from a file, one a line (`nix path-info -r` output; - for stdin)')
    .option('--jobs <n>', 'narinfo requests in flight (default 32)', positiveInt)
    .action(async (paths: string[], flags: CacheFlags) => {
      const [{ loadPolicy }, { verifyCachePaths, parseClosureList }, fs] = await Promise.all([
        import('../trust/policy/policy.js'),
        import('../app/verify-cache.js'),
        import('node:fs/promises'),
      ]);
      const all = [...paths];
      if (flags.closure) {
        const text = await (flags.closure === '-' ? readStdin() : fs.readFile(flags.closure, 'utf8')).catch((e: NodeJS.ErrnoException) => {
          throw new UserError(`cannot read: ${e.code === 'ENOENT' ? 'no such file or directory' : (e.code ?? e.message)}`, ExitCode.Usage, flags.closure);
        });
        all.push(...parseClosureList(text));
      }
      if (all.length === 0) throw new UserError('give store paths, or --closure FILE');
      const policy = await loadPolicy(flags.policy);
      const results = await verifyCachePaths({ paths: all, policy, http: { ...httpOptions(flags), ...(flags.jobs ? { concurrency: flags.jobs } : {}) } });
      // A disagreement between caches is an alarm: it is reported first.
      const ordered = [...results.filter((r) => r.reason === 'disagree'), ...results.filter((r) => r.reason !== 'disagree')];
      const out = ordered.map((r) => (flags.format === 'json' ? `${JSON.stringify(pathJson(r))}\n` : renderPath(r)));
      process.stdout.write(out.join(''));
      if (flags.format === 'text') {
        const alarms = results.filter((r) => r.reason === 'disagree').length;
        process.stdout.write(`${results.filter((r) => r.verified).length} of ${results.length} path(s) verified${alarms ? `; ALARM: ${alarms} path(s) differ between caches` : ''}\n`);
      }
      setExitCode(results.every((r) => r.verified) ? ExitCode.Ok : ExitCode.Findings);
    });
};

function httpOptions(flags: CommonFlags): { timeoutMs?: number; retries?: number } {
  return { ...(flags.timeout ? { timeoutMs: flags.timeout * 1000 } : {}), ...(flags.retries !== undefined ? { retries: flags.retries } : {}) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const short = (digest: string) => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…');

function renderImage(r: ImageResult): string {
  const from = r.resolvedTag !== undefined ? `, tag ${r.resolvedTag} resolved` : '';
  const status = r.verified ? `good: signed by ${r.signers.join(', ')}` : `NOT VERIFIED (${r.reason})${r.signers.length ? `: counted ${r.signers.join(', ')}` : ''}`;
  const lines = [`${r.ref} (${r.digest}${from}) ${status}`];
  for (const rule of r.rules) lines.push(`  ${rule.satisfied ? 'ok' : 'FAILED'} ${rule.explanation}`);
  if (!r.verified && r.reason !== 'policy') lines.push(`  ${r.detail}`);
  for (const s of r.signatures) {
    const who = [s.signer, s.key && `key ${s.key}`, s.identity !== undefined && `identity ${JSON.stringify(s.identity)}`].filter(Boolean).join(', ');
    lines.push(`  signature-${s.index} ${s.counted ? 'counted' : `not counted (${s.reason})`}${who ? `: ${who}` : ''}${s.counted ? '' : `: ${s.detail}`}`);
  }
  return `${lines.map(escapeControl).join('\n')}\n`;
}

function imageJson(r: ImageResult): Record<string, unknown> {
  return {
    ref: r.ref,
    requested: r.requested,
    digest: r.digest,
    ...(r.resolvedTag !== undefined ? { resolvedTag: r.resolvedTag } : {}),
    verified: r.verified,
    reason: r.reason,
    detail: r.detail,
    signers: r.signers,
    policy: r.policy,
    rules: r.rules,
    signatures: r.signatures,
  };
}

function renderPath(r: PathVerdict): string {
  const status = r.verified ? `good: signed by ${r.signers.join(', ')}` : `${r.reason === 'disagree' ? 'ALARM ' : ''}NOT VERIFIED (${r.reason})`;
  const lines = [`${r.path} ${status}`, `  ${r.detail}`];
  for (const c of r.caches) {
    const sigs = c.signatures.map((s) => `${s.key} ${s.reason}`).join(', ');
    const facts = c.status === 'found' ? `${short(c.narHash!)} ${c.narSize}${sigs ? `; ${sigs}` : '; no signatures'}` : (c.detail ?? '');
    lines.push(`  ${c.url}: ${c.status}${facts ? `: ${facts}` : ''}`);
  }
  return `${lines.map(escapeControl).join('\n')}\n`;
}

function pathJson(r: PathVerdict): Record<string, unknown> {
  return { path: r.path, verified: r.verified, reason: r.reason, detail: r.detail, signers: r.signers, agree: r.agree, caches: r.caches };
}
