import { serializeScorecard } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { CheckReport, ReportFormat } from './context';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import { renderText } from './text';

export type { CheckReport, ReportFormat } from './context';
export { REPORT_FORMATS } from './context';

export function renderReport(
  format: ReportFormat,
  report: CheckReport,
): string {
  switch (format) {
    case 'json':
      // Exactly the engine's canonical JSON, as the backend's POST /evaluate
      // returns it, so that the two can be compared byte for byte.
      return `${serializeScorecard(report.scorecard)}\n`;
    case 'junit':
      return renderJunit(report);
    case 'sarif':
      return renderSarif(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'text':
    default:
      return renderText(report);
  }
}
