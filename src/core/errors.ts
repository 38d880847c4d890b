/**
 * Documented exit codes, shared by every command (see README "Exit codes").
 */
export const ExitCode = {
  /** Nothing at or above the threshold; every verification passed. */
  Ok: 0,
  /** Findings at or above the threshold, or a verification that failed. */
  Findings: 1,
  /** Usage error, unreadable input, malformed file, network failure. */
  Usage: 2,
} as const;

/**
 * An error meant for the user: printed as one line (`nixharden: FILE:LINE: message`),
 * never as a stack trace. Anything else that reaches the top level is a bug.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Usage,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'UserError';
  }

  toOneLine(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.message}`.replace(/\s*\n\s*/g, ' ');
  }
}
