/**
 * Helpers shared by rule checks: URL predicates for substituters, lock files beside
 * flakes, and how a setting is named in a message. Reading settings is the model's job
 * (src/model/setting-views.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigModel, FileModel } from '../../model/types.js';
import type { SettingView } from '../../model/setting-views.js';

/** A store URL for comparison: no query or fragment, no trailing slash, lower case, no default port (`:443` on https). */
export function normaliseUrl(url: string): string {
  return url
    .trim()
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .toLowerCase()
    .replace(/^(https:\/\/[^/:]+):443(?=\/|$)/, '$1')
    .replace(/^(http:\/\/[^/:]+):80(?=\/|$)/, '$1');
}

export function isOfficialSubstituter(url: string, official: readonly string[]): boolean {
  const n = normaliseUrl(url);
  return official.some((o) => normaliseUrl(o) === n);
}

/** Loopback hosts: plain http to them never leaves the machine. */
export function isLoopbackUrl(url: string): boolean {
  const m = /^[a-z+]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(url);
  if (!m) return false;
  const host = m[1]!.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isPlainHttp(url: string): boolean {
  return /^(?:[a-z]+\+)?http:\/\//i.test(url.trim()) && !isLoopbackUrl(url.trim().replace(/^[a-z]+\+/i, ''));
}

/** Is there a flake.lock beside this flake.nix? The model is asked first, then the disk
 *  (a user may scan flake.nix alone). */
export function hasLockBeside(file: FileModel, model: ConfigModel): boolean {
  const dir = path.dirname(file.absPath);
  if (model.files.some((f) => f.kind === 'flake.lock' && path.dirname(f.absPath) === dir)) return true;
  return fs.existsSync(path.join(dir, 'flake.lock'));
}

/** How a setting was written, for messages: `nix.settings.sandbox`, `sandbox in nix.conf`, `--no-sandbox on a command line`. */
export function describeSetting(s: SettingView): string {
  if (s.origin === 'command-line-flag') return `${s.optionName} on a command line`;
  if (s.optionName.includes('.')) return s.optionName;
  return `${s.optionName} in ${originLabel(s.origin)}`;
}

export function originLabel(origin: SettingView['origin']): string {
  switch (origin) {
    case 'nix.settings':
      return 'nix.settings';
    case 'deprecated-option':
      return 'a deprecated NixOS option';
    case 'extraOptions':
      return 'nix.extraOptions';
    case 'nixConfig':
      return 'the flake nixConfig';
    case 'nix.conf':
      return 'nix.conf';
    case 'command-line-flag':
      return 'a command line';
  }
}
