import type { ScanResult } from '../rules/result.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

import type { ReportFormat } from './formats.js';

export { REPORT_FORMATS, type ReportFormat } from './formats.js';

export function renderReport(result: ScanResult, format: ReportFormat, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'text':
      return renderText(result, { color: opts.color ?? false });
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result);
    case 'markdown':
      return renderMarkdown(result);
  }
}

export { renderJson, renderMarkdown, renderSarif, renderText };
export { shouldColor } from './text.js';
export { ruleHelpMarkdown, ruleHelpText } from './rule-help.js';
