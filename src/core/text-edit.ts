import type { Span } from './span.js';

/** Replace the text at [startOffset, endOffset) of `file` with `replacement`. */
export interface TextEdit {
  file: string;
  startOffset: number;
  endOffset: number;
  replacement: string;
}

export type FixTier = 'safe' | 'unsafe';

/** A proposed fix for one finding: one or more edits, applied together or not at all. */
export interface Fix {
  tier: FixTier;
  /** One line saying what the fix does and, for unsafe fixes, what behaviour may change. */
  description: string;
  edits: TextEdit[];
  /**
   * Fixes of one file that name the same group (a setting, say `sandbox`) are applied together or
   * not at all: fixing one definition of a setting and not another would leave two different values.
   */
  group?: string;
}

export function editFromSpan(span: Span, replacement: string): TextEdit {
  return { file: span.file, startOffset: span.startOffset, endOffset: span.endOffset, replacement };
}
