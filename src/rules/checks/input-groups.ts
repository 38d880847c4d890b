/**
 * The default profile's view of per-input pin findings (NH018, NH019). The inputs a user
 * looks at one by one keep their own findings: nixpkgs, home-manager, nix-darwin, and any
 * input whose modules or overlays the configuration uses. The others, with transitive lock
 * nodes, fold into one finding per file that lists them, so thirty inputs on a branch are one
 * line to read rather than thirty. `pedantic` and `auditor` (and the library) keep every one.
 */
import type { ConfigModel } from '../../model/types.js';
import { isNixpkgsRepo, type FlakeRef } from '../../model/flake-ref.js';
import type { RawFinding, RuleContext } from '../types.js';

export interface InputFinding {
  /** The input name (`nixpkgs`) or lock node path (`home-manager/nixpkgs`). */
  name: string;
  /** How the folded finding lists it, when not by name (`home-manager/nixpkgs (412 days)`). */
  shown?: string;
  /** A root input (flake.nix, or a direct flake.lock node); transitive nodes always fold. */
  direct: boolean;
  ref?: FlakeRef | undefined;
  raw: RawFinding;
}

const MODULE_USE = /\b([A-Za-z_][\w'-]*)\.(?:nixosModules|darwinModules|homeManagerModules|homeModules|flakeModules|overlays?)\b/g;
const moduleInputs = new WeakMap<ConfigModel, Set<string>>();

/** Names written in front of `.nixosModules`, `.darwinModules`, `.overlays`, … anywhere in the scanned Nix files. */
function inputsWithModules(model: ConfigModel): Set<string> {
  let names = moduleInputs.get(model);
  if (names) return names;
  names = new Set();
  for (const f of model.files) if (f.kind === 'nix') for (const m of f.text.matchAll(MODULE_USE)) names.add(m[1]!);
  moduleInputs.set(model, names);
  return names;
}

/** Does this input deserve its own finding in the default profile? */
export function isKeyInput(model: ConfigModel, name: string, ref: FlakeRef | undefined): boolean {
  if (/^nixpkgs/i.test(name) || (ref && isNixpkgsRepo(ref))) return true;
  const repo = ref?.repo?.toLowerCase();
  if (repo === 'home-manager' || repo === 'nix-darwin' || ['home-manager', 'darwin', 'nix-darwin'].includes(name)) return true;
  return inputsWithModules(model).has(name);
}

/** `a, b, c and 4 more` */
function nameList(names: string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * In the `regular` profile, folds the foldable findings of one file into one (at the first
 * one's place, with every site as a related location); elsewhere returns them as they are.
 * `summary(names)` words the folded finding.
 */
export function foldPerLock(ctx: RuleContext, items: InputFinding[], foldable: (i: InputFinding) => boolean, summary: (names: string) => string): RawFinding[] {
  if (ctx.profile !== 'regular') return items.map((i) => i.raw);
  const fold = items.filter((i) => foldable(i) && !(i.direct && isKeyInput(ctx.model, i.name, i.ref)));
  if (fold.length < 2) return items.map((i) => i.raw);
  const first = fold[0]!.raw;
  const folded: RawFinding = {
    span: first.span,
    ...(first.severity ? { severity: first.severity } : {}),
    message: `${summary(nameList(fold.map((i) => i.shown ?? i.name)))}; \`--profile pedantic\` lists each`,
    related: fold.map((i) => ({ span: i.raw.span, message: i.raw.message })),
  };
  return [...items.filter((i) => !fold.includes(i)).map((i) => i.raw), folded];
}
