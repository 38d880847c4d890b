/** Image references and names shared by the generated files. */
import type { MigrationPlan, PlanImage } from './plan-types.js';

export const STAGEX_PREFIX = 'docker.io/stagex';
export const QUAY_PREFIX = 'quay.io/stagex';
export const DEFAULT_LOOKASIDE = 'https://sigs.stagex.tools';
/** The C library every stagex program links against; first in every image. */
export const MUSL = 'core-musl';

/** Image ids without repeats, `core-musl` first. */
export function orderImages(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.includes(MUSL) ? [MUSL, ...unique.filter((i) => i !== MUSL)] : unique;
}

export function planImage(plan: MigrationPlan, id: string): PlanImage {
  const found = plan.images.find((i) => i.id === id) ?? (plan.pallet?.id === id ? plan.pallet : undefined);
  if (found) return found;
  const stage = id.split('-')[0] ?? 'user';
  return { id, stage, image: `stagex/${id}`, version: null, digest: null };
}

/** The tag an unpinned FROM falls back to: the release tag when the release is known. */
function fallbackTag(plan: MigrationPlan): string {
  return plan.stagex.release ? `sx${plan.stagex.release}` : 'latest';
}

/** The reference in a FROM line: `stagex/core-musl@sha256:…` (stagex's own style), or the mirror's. */
export function fromRef(plan: MigrationPlan, img: PlanImage): string {
  const name = plan.mirror ? `${plan.mirror}/${img.id}` : img.image;
  return img.digest ? `${name}@${img.digest}` : `${name}:${fallbackTag(plan)}`;
}

/** The fully qualified reference that `nixharden verify image` checks. */
export function verifyRef(plan: MigrationPlan, img: PlanImage): string {
  const repo = `${plan.mirror ?? STAGEX_PREFIX}/${img.id}`;
  return img.digest ? `${repo}@${img.digest}` : `${repo}:${fallbackTag(plan)}`;
}

/** A build stage name for an image id (Dockerfile stage names: lower case, digits, `-_.`). */
export function stageAlias(id: string): string {
  const a = id.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
  return /^[a-z]/.test(a) ? a : `x-${a}`;
}

/** The local tag buildah gives an image of this host. */
export function localTag(plan: MigrationPlan, name: string): string {
  return `localhost/nixharden/${plan.host}-${name}:latest`.toLowerCase();
}

