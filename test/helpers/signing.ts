/**
 * Real keys and real signed git objects for tests: gpg keys in throw-away
 * GNUPGHOMEs, ssh-keygen keys, temp repositories, and `git verify-commit` /
 * `verify-tag` as the oracle. Everything is synchronous and lives under one temp
 * root per `SigningLab`, which `cleanup()` removes (and stops its gpg-agents).
 *
 * Typical use:
 *   const lab = new SigningLab();
 *   const gpg = lab.gpgHome('signer');
 *   const alice = gpg.genKey({ uid: 'Alice <a@x>', algo: 'ed25519' });
 *   const repo = lab.repo();
 *   const oid = repo.commit('msg', { gpg: alice });
 *   repo.verifyCommit(oid, { keyring: gpg.exportPublic([alice]) }).status // 0
 *   lab.cleanup();
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBuf: Buffer;
}

/** Runs a program; throws with its stderr when it fails and `check` is on (the default). */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; check?: boolean } = {},
): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, LC_ALL: 'C', TZ: 'UTC', ...opts.env },
    input: opts.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  const res = { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBuf: r.stdout };
  if ((opts.check ?? true) && res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status}: ${res.stderr.trim()}`);
  }
  return res;
}

/** gpg's --faked-system-time syntax, frozen (`!`) so that keys and signatures get exactly this time. */
export function gpgTime(d: Date): string {
  return `${d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '')}!`;
}

export type GpgAlgo = 'ed25519' | 'rsa2048' | 'rsa4096' | 'rsa1024' | 'nistp256';

export interface GpgKey {
  home: GpgHome;
  /** Primary key fingerprint, upper-case hex. */
  fingerprint: string;
  /** Fingerprint of the key that actually signs (the signing subkey, if any). */
  signingFingerprint: string;
  uid: string;
}

/** One GNUPGHOME. `fakedTime` (on the key or per call) runs gpg at that time. */
export class GpgHome {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  get env(): NodeJS.ProcessEnv {
    return { GNUPGHOME: this.dir };
  }

  gpg(args: string[], opts: { input?: string | Buffer; fakedTime?: Date; check?: boolean } = {}): RunResult {
    const time = opts.fakedTime ? ['--faked-system-time', gpgTime(opts.fakedTime)] : [];
    return run('gpg', ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...time, ...args], {
      env: this.env,
      input: opts.input,
      check: opts.check,
    });
  }

  /**
   * Generates a key. `signingSubkey`: the primary can only certify and a subkey
   * signs. `expire` is gpg's syntax ('never', '1d', '2y', ISO date).
   */
  genKey(opts: { uid: string; algo?: GpgAlgo; expire?: string; at?: Date; signingSubkey?: boolean }): GpgKey {
    const algo = opts.algo ?? 'ed25519';
    const expire = opts.expire ?? 'never';
    const at = opts.at ? { fakedTime: opts.at } : {};
    const fingerprint = created(this.gpg(['--status-fd', '2', '--quick-gen-key', opts.uid, algo, opts.signingSubkey ? 'cert' : 'sign', expire], at));
    const signingFingerprint = opts.signingSubkey
      ? created(this.gpg(['--status-fd', '2', '--quick-add-key', fingerprint, algo, 'sign', expire], at))
      : fingerprint;
    return { home: this, fingerprint, signingFingerprint, uid: opts.uid };
  }

  /** Adds a subkey with the given usage (e.g. 'encr' for one that must not sign). */
  addSubkey(key: GpgKey, usage: 'sign' | 'encr' | 'auth', algo: string = usage === 'encr' ? 'cv25519' : 'ed25519'): string {
    return created(this.gpg(['--status-fd', '2', '--quick-add-key', key.fingerprint, algo, usage, 'never']));
  }

  /** Revokes the key with the revocation certificate gpg made at generation time. */
  revoke(key: GpgKey): void {
    const rev = fs.readFileSync(path.join(this.dir, 'openpgp-revocs.d', `${key.fingerprint}.rev`), 'utf8');
    this.gpg(['--import'], { input: rev.replace(/^:-----BEGIN/m, '-----BEGIN') });
  }

  /** Sets a new expiry (gpg syntax) on the primary key, optionally at a faked time. */
  setExpire(key: GpgKey, expire: string, at?: Date): void {
    this.gpg(['--quick-set-expire', key.fingerprint, expire], at ? { fakedTime: at } : {});
  }

  /** Public certificates, binary (`armor` for ASCII armour). All keys when `keys` is omitted. */
  exportPublic(keys?: GpgKey[], opts: { armor?: boolean } = {}): Buffer {
    const args = ['--export', ...(opts.armor ? ['--armor'] : []), ...(keys ?? []).map((k) => k.fingerprint)];
    return this.gpg(args).stdoutBuf;
  }

  /** Imports certificates (binary or armored) into this home. */
  import(data: Buffer | string): void {
    this.gpg(['--import'], { input: data });
  }

  /** Detached armored signature over `data` by exactly the key's signing (sub)key. `digest` e.g. 'SHA1'. */
  detachSign(key: GpgKey, data: Buffer, opts: { fakedTime?: Date; digest?: string } = {}): string {
    const digest = opts.digest ? ['--digest-algo', opts.digest] : [];
    return this.gpg(['--armor', '--detach-sign', '--local-user', `${key.signingFingerprint}!`, ...digest], { input: data, ...opts }).stdout;
  }

  /** Primary fingerprints in this home (optionally of one user id). */
  fingerprints(uid?: string): string[] {
    const out = this.gpg(['--with-colons', '--list-keys', ...(uid ? [uid] : [])]).stdout;
    return linesOf(out, 'pub').map((i) => fprAfter(out, i));
  }

  /** Subkey fingerprints of one primary key. */
  subkeyFingerprints(primary: string): string[] {
    const out = this.gpg(['--with-colons', '--list-keys', primary]).stdout;
    return linesOf(out, 'sub').map((i) => fprAfter(out, i));
  }

  /** A gpg wrapper script for git's gpg.program that runs gpg at a faked time. */
  gpgProgramAt(time: Date): string {
    const file = path.join(this.dir, `gpg-at-${time.getTime()}.sh`);
    fs.writeFileSync(file, `#!/bin/sh\nexec gpg --faked-system-time '${gpgTime(time)}' "$@"\n`, { mode: 0o755 });
    return file;
  }

  /** Stops the gpg-agent this home started, so no process outlives the test. */
  stopAgent(): void {
    spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: this.dir } });
  }
}

/** The fingerprint from gpg's `KEY_CREATED` status line. */
function created(r: RunResult): string {
  const m = /\[GNUPG:\] KEY_CREATED [PBS] ([0-9A-F]{40,64})/.exec(r.stderr);
  if (!m) throw new Error(`gpg did not report a created key: ${r.stderr.trim()}`);
  return m[1]!;
}

function linesOf(colons: string, kind: string): number[] {
  const lines = colons.split('\n');
  return lines.flatMap((l, i) => (l.startsWith(`${kind}:`) ? [i] : []));
}

function fprAfter(colons: string, index: number): string {
  const lines = colons.split('\n');
  for (let i = index + 1; i < lines.length; i++) {
    if (lines[i]!.startsWith('fpr:')) return lines[i]!.split(':')[9]!;
  }
  throw new Error('no fingerprint in gpg output');
}

export type SshAlgo = 'ed25519' | 'ecdsa256' | 'ecdsa384' | 'ecdsa521' | 'rsa' | 'rsa1024';

export interface SshKey {
  /** Private key file (its public half is `${path}.pub`). */
  path: string;
  pubPath: string;
  /** `keytype base64 comment` */
  publicLine: string;
  type: string;
}

export function makeSshKey(dir: string, name: string, algo: SshAlgo = 'ed25519'): SshKey {
  const file = path.join(dir, name);
  const args: Record<SshAlgo, string[]> = {
    ed25519: ['-t', 'ed25519'],
    ecdsa256: ['-t', 'ecdsa', '-b', '256'],
    ecdsa384: ['-t', 'ecdsa', '-b', '384'],
    ecdsa521: ['-t', 'ecdsa', '-b', '521'],
    rsa: ['-t', 'rsa', '-b', '3072'],
    rsa1024: ['-t', 'rsa', '-b', '1024'],
  };
  run('ssh-keygen', ['-q', ...args[algo], '-N', '', '-C', `${name}@test`, '-f', file]);
  const publicLine = fs.readFileSync(`${file}.pub`, 'utf8').trim();
  return { path: file, pubPath: `${file}.pub`, publicLine, type: publicLine.split(' ')[0]! };
}

/** `ssh-keygen -Y sign` over data with any namespace (git uses "git"). Returns the armored signature. */
export function sshSign(key: SshKey, data: Buffer, namespace = 'git', hashAlg?: 'sha256' | 'sha512'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-sshsig-'));
  try {
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, data);
    run('ssh-keygen', ['-Y', 'sign', '-f', key.path, '-n', namespace, ...(hashAlg ? ['-O', `hashalg=${hashAlg}`] : []), file]);
    return fs.readFileSync(`${file}.sig`, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An allowed-signers line: `principals [options] key`. */
export function allowedSignersLine(principals: string, key: SshKey, options?: string): string {
  return [principals, options, key.publicLine].filter(Boolean).join(' ');
}

export type Signer = { gpg: GpgKey; gpgProgram?: string } | { ssh: SshKey };

export interface VerifyWith {
  /** OpenPGP certificates: imported into a fresh GNUPGHOME that holds exactly them. */
  keyring?: Buffer;
  /** Path of an allowed-signers file for SSH signatures. */
  allowedSigners?: string;
}

/** A temp git repository (sha1 or sha256) with deterministic identities. */
export class TempRepo {
  constructor(
    readonly dir: string,
    private readonly lab: SigningLab,
    objectFormat: 'sha1' | 'sha256' = 'sha1',
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.git(['init', '-q', `--object-format=${objectFormat}`, '-b', 'main']);
  }

  git(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; check?: boolean } = {}): RunResult {
    return run('git', ['-c', 'user.name=Test User', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
      cwd: this.dir,
      ...opts,
      env: { GIT_CONFIG_NOSYSTEM: '1', HOME: this.lab.root, ...opts.env },
    });
  }

  /** Makes a commit (adding a file so trees differ) and returns its id. `date` sets author and committer time. */
  commit(message: string, signer?: Signer, opts: { date?: Date; file?: string } = {}): string {
    const file = opts.file ?? `f${fs.readdirSync(this.dir).length}.txt`;
    fs.writeFileSync(path.join(this.dir, file), `${message}\n`);
    this.git(['add', file]);
    this.git([...signArgs(signer), 'commit', '-q', ...(signer ? ['-S'] : []), '-m', message], { env: { ...dateEnv(opts.date), ...signEnv(signer) } });
    return this.revParse('HEAD');
  }

  /** Annotated tag (of HEAD, or `target`), signed with -s when a signer is given. Returns the tag object id. */
  tag(name: string, message: string, signer?: Signer, opts: { date?: Date; target?: string } = {}): string {
    this.git([...signArgs(signer), 'tag', ...(signer ? ['-s'] : ['-a']), name, '-m', message, ...(opts.target ? [opts.target] : [])], { env: { ...dateEnv(opts.date), ...signEnv(signer) } });
    return this.revParse(`refs/tags/${name}`);
  }

  /** A merge commit (--no-ff) of `rev`, signed when a signer is given; merging a tag records a mergetag header. */
  merge(rev: string, message: string, signer?: Signer): string {
    this.git([...signArgs(signer), 'merge', '-q', '--no-ff', ...(signer ? ['-S'] : []), '-m', message, rev], { env: signEnv(signer) });
    return this.revParse('HEAD');
  }

  revParse(rev: string): string {
    return this.git(['rev-parse', rev]).stdout.trim();
  }

  /** Raw object bytes, as `git cat-file <type> <oid>` prints them. */
  catFile(oid: string, type: 'commit' | 'tag' = 'commit'): Buffer {
    return this.git(['cat-file', type, oid]).stdoutBuf;
  }

  /** Writes raw bytes as an object (any content git accepts) and returns its id. */
  writeObject(raw: Buffer, type: 'commit' | 'tag' = 'commit'): string {
    return this.git(['hash-object', '-t', type, '-w', '--stdin', '--literally'], { input: raw }).stdout.trim();
  }

  /** `git verify-commit` (or verify-tag) with exactly the given keys; returns git's exit status and output. */
  verify(oid: string, keys: VerifyWith, kind: 'commit' | 'tag' = 'commit'): RunResult {
    const env: NodeJS.ProcessEnv = {};
    if (keys.keyring) env.GNUPGHOME = this.lab.verifyHome(keys.keyring).dir;
    else env.GNUPGHOME = this.lab.verifyHome(Buffer.alloc(0)).dir;
    const cfg = keys.allowedSigners ? ['-c', `gpg.ssh.allowedSignersFile=${keys.allowedSigners}`] : [];
    return this.git([...cfg, kind === 'commit' ? 'verify-commit' : 'verify-tag', '--raw', oid], { env, check: false });
  }

  verifyCommit(oid: string, keys: VerifyWith): RunResult {
    return this.verify(oid, keys, 'commit');
  }
}

function dateEnv(date?: Date): NodeJS.ProcessEnv {
  if (!date) return {};
  const s = `${Math.floor(date.getTime() / 1000)} +0000`;
  return { GIT_AUTHOR_DATE: s, GIT_COMMITTER_DATE: s };
}

function signArgs(signer?: Signer): string[] {
  if (!signer) return [];
  if ('ssh' in signer) return ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${signer.ssh.pubPath}`];
  return ['-c', 'gpg.format=openpgp', '-c', `user.signingkey=${signer.gpg.signingFingerprint}!`, ...(signer.gpgProgram ? ['-c', `gpg.program=${signer.gpgProgram}`] : [])];
}

function signEnv(signer?: Signer): NodeJS.ProcessEnv {
  return signer && 'gpg' in signer ? signer.gpg.home.env : {};
}

/** One temp root for a test file: gpg homes, ssh keys, repos. Call cleanup() in afterAll. */
export class SigningLab {
  readonly root: string;
  private homes: GpgHome[] = [];
  private verifyHomes = new Map<string, GpgHome>();
  private counter = 0;

  constructor() {
    // Short path: gpg-agent's socket path must fit in sun_path.
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'nhsig-'));
  }

  private next(prefix: string): string {
    return path.join(this.root, `${prefix}${this.counter++}`);
  }

  gpgHome(): GpgHome {
    const h = new GpgHome(this.next('g'));
    this.homes.push(h);
    return h;
  }

  /** A GNUPGHOME holding exactly `keyring` (cached per keyring content). */
  verifyHome(keyring: Buffer): GpgHome {
    const id = keyring.toString('base64');
    let h = this.verifyHomes.get(id);
    if (!h) {
      h = this.gpgHome();
      if (keyring.length > 0) h.import(keyring);
      this.verifyHomes.set(id, h);
    }
    return h;
  }

  sshKey(algo: SshAlgo = 'ed25519', name = `k${this.counter++}`): SshKey {
    const dir = path.join(this.root, 'ssh');
    fs.mkdirSync(dir, { recursive: true });
    return makeSshKey(dir, name, algo);
  }

  /** Writes a file under the lab root and returns its path. */
  file(name: string, content: string | Buffer): string {
    const p = path.join(this.root, name);
    fs.writeFileSync(p, content);
    return p;
  }

  repo(objectFormat: 'sha1' | 'sha256' = 'sha1'): TempRepo {
    return new TempRepo(this.next('r'), this, objectFormat);
  }

  cleanup(): void {
    for (const h of this.homes) h.stopAgent();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Returns `raw` (a commit) with `armored` inserted as a signature header after
 * the last header, encoded as git does: continuation lines start with a space.
 */
export function withSignatureHeader(raw: Buffer, armored: string, header = 'gpgsig'): Buffer {
  const end = raw.indexOf('\n\n');
  const lines = armored.replace(/\n$/, '').split('\n');
  const value = `${header} ${lines[0]}\n${lines.slice(1).map((l) => ` ${l}\n`).join('')}`;
  return Buffer.concat([raw.subarray(0, end + 1), Buffer.from(value), raw.subarray(end + 1)]);
}

/** Returns `raw` without its signature headers (what a stripped commit looks like). */
export function withoutSignatureHeaders(raw: Buffer): Buffer {
  const end = raw.indexOf('\n\n');
  const head = raw.subarray(0, end + 1).toString('utf8').split('\n');
  const kept: string[] = [];
  let dropping = false;
  for (const l of head) {
    if (dropping && l.startsWith(' ')) continue;
    dropping = l.startsWith('gpgsig');
    if (!dropping) kept.push(l);
  }
  return Buffer.concat([Buffer.from(kept.join('\n')), raw.subarray(end + 1)]);
}

/** Flips the bits of one byte (xor `mask`) at `pos`. */
export function flipByte(buf: Buffer, pos: number, mask = 0x01): Buffer {
  const out = Buffer.from(buf);
  out[pos] = out[pos]! ^ mask;
  return out;
}

/**
 * A detached OpenPGP signature made directly with a key packet, bypassing the
 * checks openpgp.sign() applies: for crafting signatures gpg would refuse to make
 * (by a non-signing subkey, dated before the key or after its expiry, weak hash).
 */
export async function craftPgpSignature(
  keyPacket: openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket,
  data: Buffer,
  opts: { created?: Date; hash?: openpgp.enums.hash } = {},
): Promise<string> {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = openpgp.enums.signature.binary;
  sp.publicKeyAlgorithm = keyPacket.algorithm;
  sp.hashAlgorithm = opts.hash ?? openpgp.enums.hash.sha256;
  const literal = (await openpgp.createMessage({ binary: new Uint8Array(data) })).packets[0]!;
  await (sp as unknown as { sign(k: unknown, d: unknown, date: Date, detached: boolean, config: openpgp.Config): Promise<void> }).sign(
    keyPacket,
    literal,
    opts.created ?? new Date(),
    true,
    // The salt notation is sized per hash and undefined for MD5/RIPEMD: leave it out.
    { ...openpgp.config, nonDeterministicSignaturesViaNotation: false },
  );
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  list.push(sp);
  return new openpgp.Signature(list).armor();
}

function sshStr(b: Buffer | string): Buffer {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}

function sshMpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return sshStr(v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

export type CraftedSshKeyType = 'ssh-ed25519' | 'sk-ssh-ed25519@openssh.com' | 'sk-ecdsa-sha2-nistp256@openssh.com' | 'ssh-rsa';

/** A key pair made with node:crypto, with its OpenSSH public blob and text line. */
export interface CraftedSshKey {
  type: CraftedSshKeyType;
  privateKey: crypto.KeyObject;
  blob: Buffer;
  publicLine: string;
  application?: string;
}

/**
 * Keys ssh-keygen cannot make here: FIDO (sk-*) keys need hardware to sign, so
 * we hold the raw key and play the authenticator ourselves (PROTOCOL.u2f).
 */
export function craftSshKey(type: CraftedSshKeyType, opts: { rsaBits?: number; application?: string } = {}): CraftedSshKey {
  const application = opts.application ?? 'ssh:';
  if (type === 'ssh-rsa') {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: opts.rsaBits ?? 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([sshStr(type), sshMpint(Buffer.from(jwk.e!, 'base64url')), sshMpint(Buffer.from(jwk.n!, 'base64url'))]);
    return { type, privateKey, blob, publicLine: `${type} ${blob.toString('base64')} crafted` };
  }
  if (type === 'sk-ecdsa-sha2-nistp256@openssh.com') {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const q = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const blob = Buffer.concat([sshStr(type), sshStr('nistp256'), sshStr(q), sshStr(application)]);
    return { type, privateKey, blob, publicLine: `${type} ${blob.toString('base64')} crafted`, application };
  }
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const pk = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([sshStr(type), sshStr(pk), ...(type.startsWith('sk-') ? [sshStr(application)] : [])]);
  return { type, privateKey, blob, publicLine: `${type} ${blob.toString('base64')} crafted`, ...(type.startsWith('sk-') ? { application } : {}) };
}

/**
 * An SSHSIG (PROTOCOL.sshsig) by a crafted key. `flags`/`counter` are the FIDO
 * authenticator's (bit 0x01 user presence, 0x04 user verification);
 * `rsaSigType` picks ssh-rsa (SHA-1) or rsa-sha2-256/512.
 */
export function craftSshSignature(
  key: CraftedSshKey,
  message: Buffer,
  opts: { namespace?: string; hashAlg?: 'sha256' | 'sha512'; flags?: number; counter?: number; rsaSigType?: 'ssh-rsa' | 'rsa-sha2-256' | 'rsa-sha2-512' } = {},
): string {
  const namespace = opts.namespace ?? 'git';
  const hashAlg = opts.hashAlg ?? 'sha512';
  const magic = Buffer.from('SSHSIG');
  const signed = Buffer.concat([magic, sshStr(namespace), sshStr(''), sshStr(hashAlg), sshStr(crypto.createHash(hashAlg).update(message).digest())]);
  let sigBlob: Buffer;
  if (key.type === 'ssh-rsa') {
    const sigType = opts.rsaSigType ?? 'rsa-sha2-512';
    const hash = sigType === 'ssh-rsa' ? 'sha1' : sigType === 'rsa-sha2-256' ? 'sha256' : 'sha512';
    sigBlob = Buffer.concat([sshStr(sigType), sshStr(crypto.sign(hash, signed, key.privateKey))]);
  } else if (key.type === 'ssh-ed25519') {
    sigBlob = Buffer.concat([sshStr(key.type), sshStr(crypto.sign(null, signed, key.privateKey))]);
  } else {
    const flags = opts.flags ?? 0x01;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(opts.counter ?? 7);
    const toSign = Buffer.concat([
      crypto.createHash('sha256').update(key.application!).digest(),
      Buffer.from([flags]),
      counter,
      crypto.createHash('sha256').update(signed).digest(),
    ]);
    let raw: Buffer;
    if (key.type === 'sk-ssh-ed25519@openssh.com') raw = crypto.sign(null, toSign, key.privateKey);
    else {
      const p1363 = crypto.sign('sha256', toSign, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
      raw = Buffer.concat([sshMpint(p1363.subarray(0, 32)), sshMpint(p1363.subarray(32))]);
    }
    sigBlob = Buffer.concat([sshStr(key.type), sshStr(raw), Buffer.from([flags]), counter]);
  }
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const blob = Buffer.concat([magic, version, sshStr(key.blob), sshStr(namespace), sshStr(''), sshStr(hashAlg), sshStr(sigBlob)]);
  return armorSshSignature(blob);
}

export function armorSshSignature(blob: Buffer): string {
  return `-----BEGIN SSH SIGNATURE-----\n${(blob.toString('base64').match(/.{1,70}/g) ?? []).join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

/** The oracle: `ssh-keygen -Y verify` of `signature` over `message`. Returns its exit status and output. */
export function sshKeygenVerify(allowedSigners: string, principal: string, signature: string, message: Buffer, namespace = 'git', verifyTime?: Date): RunResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-sshv-'));
  try {
    const sig = path.join(dir, 'sig');
    fs.writeFileSync(sig, signature);
    // ssh-keygen wants YYYYMMDDHHMMSS[Z]; git passes the object's own time this way.
    const time = verifyTime ? ['-O', `verify-time=${verifyTime.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z')}`] : [];
    return run('ssh-keygen', ['-Y', 'verify', '-f', allowedSigners, '-I', principal, '-n', namespace, '-s', sig, ...time], { input: message, check: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
