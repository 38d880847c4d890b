/**
 * Personas, as zizmor has them: which severities and confidences a scan shows.
 * `--min-severity` (or the config's scan.minSeverity) still overrides the profile's floor.
 */
import type { Selection } from './engine.js';

export type ProfileName = 'regular' | 'pedantic' | 'auditor';
export const PROFILE_NAMES: readonly ProfileName[] = ['regular', 'pedantic', 'auditor'];

export const PROFILES: Readonly<Record<ProfileName, Selection & { summary: string }>> = {
  // Day-to-day use and CI: real risks the rule is fairly sure about.
  regular: { minSeverity: 'low', minConfidence: 'medium', profile: 'regular', summary: 'severity low and up, confidence medium and up' },
  // Also informational findings (post-build hooks and similar things worth a look).
  pedantic: { minSeverity: 'info', minConfidence: 'medium', profile: 'pedantic', summary: 'every severity, confidence medium and up' },
  // Everything, including findings the rule is unsure about: for reviews and audits.
  auditor: { minSeverity: 'info', profile: 'auditor', summary: 'every severity and confidence' },
};

export function selectionFor(profile: ProfileName, minSeverity?: Selection['minSeverity']): Selection {
  const p = PROFILES[profile];
  const sel: Selection = { minSeverity: minSeverity ?? p.minSeverity, profile: p.profile! };
  if (p.minConfidence) sel.minConfidence = p.minConfidence;
  return sel;
}
