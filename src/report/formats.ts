/** The scan report formats; a module of its own so the CLI can list them without loading a renderer. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
