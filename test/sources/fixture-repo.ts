/**
 * Builds real signed git repositories for the policy/source/CLI tests: gpg and
 * ssh-keygen make the keys, git makes and signs the commits (or gpg signs a
 * payload we assemble, for multi-signature commits). Nothing is faked.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface GpgKey {
  fpr: string;
  armored: string;
}

export interface SshKey {
  priv: string;
  pub: string;
  line: string;
}

export class Fixture {
  readonly dir: string;
  readonly gnupgHome: string;
  readonly repo: string;
  private clock = 1_700_000_000;

  constructor(prefix = 'nh-fixture-') {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.gnupgHome = path.join(this.dir, 'gnupg');
    fs.mkdirSync(this.gnupgHome, { mode: 0o700 });
    this.repo = path.join(this.dir, 'repo');
    fs.mkdirSync(this.repo);
    this.git(['init', '-q', '-b', 'main']);
    this.git(['config', 'user.name', 'Test']);
    this.git(['config', 'user.email', 'test@example.org']);
    this.git(['config', 'commit.gpgsign', 'false']);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const t = String(this.clock);
    return { ...process.env, GNUPGHOME: this.gnupgHome, GIT_AUTHOR_DATE: `${t} +0000`, GIT_COMMITTER_DATE: `${t} +0000`, ...extra };
  }

  run(cmd: string, args: string[], opts: ExecFileSyncOptions = {}): string {
    return execFileSync(cmd, args, { cwd: this.repo, env: this.env(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...opts }) as string;
  }

  git(args: string[], opts: ExecFileSyncOptions = {}): string {
    return this.run('git', args, opts);
  }

  /** `git verify-commit`'s exit status: the differential oracle. */
  gitVerifies(rev: string, allowedSigners?: string): boolean {
    try {
      this.git([...(allowedSigners ? ['-c', `gpg.ssh.allowedSignersFile=${allowedSigners}`] : []), 'verify-commit', rev]);
      return true;
    } catch {
      return false;
    }
  }

  gpgKey(uid: string, opts: { expire?: string; fakedTime?: string } = {}): GpgKey {
    const faked = opts.fakedTime ? ['--faked-system-time', opts.fakedTime] : [];
    this.run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...faked, '--quick-gen-key', uid, 'ed25519', 'sign', opts.expire ?? 'never']);
    const fpr = this.run('gpg', ['--with-colons', '--list-keys', uid])
      .split('\n')
      .find((l) => l.startsWith('fpr:'))!
      .split(':')[9];
    return { fpr, armored: this.run('gpg', ['--armor', '--export', fpr]) };
  }

  sshKey(name: string): SshKey {
    const priv = path.join(this.dir, `${name}_ed25519`);
    this.run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', priv]);
    const line = fs.readFileSync(`${priv}.pub`, 'utf8').trim();
    return { priv, pub: `${priv}.pub`, line };
  }

  write(name: string, text: string | Buffer): string {
    const p = path.join(this.dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  }

  private tick(): void {
    this.clock += 60;
  }

  /** A commit signed by an OpenPGP key (or unsigned), via git itself. */
  commit(message: string, sign?: { gpg?: string; ssh?: SshKey; gpgProgram?: string }): string {
    this.tick();
    const cfg: string[] = [];
    if (sign?.gpg) cfg.push('-c', `user.signingkey=${sign.gpg}`, ...(sign.gpgProgram ? ['-c', `gpg.program=${sign.gpgProgram}`] : []));
    if (sign?.ssh) cfg.push('-c', 'gpg.format=ssh', '-c', `user.signingkey=${sign.ssh.pub}`);
    this.git([...cfg, 'commit', '-q', '--allow-empty', ...(sign?.gpg || sign?.ssh ? ['-S'] : []), '-m', message]);
    return this.head();
  }

  /** A merge of `branch` into the current branch, optionally signed. */
  merge(branch: string, sign?: { gpg?: string; ssh?: SshKey }): string {
    this.tick();
    const cfg: string[] = [];
    if (sign?.gpg) cfg.push('-c', `user.signingkey=${sign.gpg}`);
    if (sign?.ssh) cfg.push('-c', 'gpg.format=ssh', '-c', `user.signingkey=${sign.ssh.pub}`);
    this.git([...cfg, 'merge', '-q', '--no-ff', ...(sign ? ['-S'] : []), '-m', `merge ${branch}`, branch]);
    return this.head();
  }

  /**
   * A commit whose gpgsig holds several OpenPGP signature packets (one block,
   * `gpg -u A -u B`): the only way one git commit carries several signers.
   */
  commitMultiSigned(message: string, fprs: string[]): string {
    this.tick();
    const tree = this.git(['write-tree']).trim();
    const parent = this.head();
    const unsigned = this.git(['commit-tree', tree, '-p', parent, '-m', message]).trim();
    const payload = this.git(['cat-file', 'commit', unsigned]);
    const sig = this.run('gpg', ['--detach-sign', '--armor', ...fprs.flatMap((f) => ['-u', f])], { input: payload });
    const oid = this.writeCommitObject(insertSignature(payload, sig));
    this.git(['update-ref', 'HEAD', oid]);
    return oid;
  }

  writeCommitObject(raw: string | Buffer): string {
    return this.git(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: raw }).trim();
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  cleanup(): void {
    try {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: this.env(), stdio: 'ignore' });
    } catch {
      /* no agent running */
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Puts an armored signature into a commit as git does: a `gpgsig` header at the end of the headers. */
export function insertSignature(payload: string, armored: string): string {
  const end = payload.indexOf('\n\n') + 1;
  const lines = armored.replace(/\n$/, '').split('\n');
  return `${payload.slice(0, end)}gpgsig ${lines.map((l, i) => (i === 0 ? l : ` ${l}`)).join('\n')}\n${payload.slice(end)}`;
}

/** The inverse, written independently of the code under test: payload and signature of a raw commit. */
export function splitSignature(raw: string): { payload: string; signature: string | null } {
  const headerEnd = raw.indexOf('\n\n');
  const head = raw.slice(0, headerEnd + 1);
  const lines = head.split('\n');
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  for (const l of lines) {
    if (l.startsWith('gpgsig ')) {
      inSig = true;
      sig.push(l.slice('gpgsig '.length));
    } else if (inSig && l.startsWith(' ')) sig.push(l.slice(1));
    else {
      inSig = false;
      kept.push(l);
    }
  }
  return { payload: kept.join('\n') + raw.slice(headerEnd + 1), signature: sig.length ? `${sig.join('\n')}\n` : null };
}
