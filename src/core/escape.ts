/**
 * Text from scanned trees (file names, values, messages) is untrusted. Every control
 * character, newlines and tabs included, and every bidi override or line separator is
 * shown as a visible `\uXXXX` escape, so a file named "x\n  --> fake.nix:1:1" cannot
 * forge a finding line, and ANSI escapes cannot repaint a terminal.
 */
const UNSAFE_IN_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(s: string): string {
  return s.replace(UNSAFE_IN_TEXT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
