import { type NotableEvent, notableEvents } from '../explain/notable-events.js';
import type { ReportContext } from '../explain/report-context.js';
import { type WhyNote, whyNotes } from '../explain/why-notes.js';
import type { Report } from '../observe/report.js';

/**
 * What `meshsim run --format json` prints: the report, then the notable events and the "why" that the
 * table and the HTML report show, as data.
 */
export type ReportDocument = Report & {
  /** Ejections and returns, and the first request with each response flag, in time order. */
  events: NotableEvent[];
  /** The mechanism behind each part of the outcome and the config line that set it; empty without a context. */
  why: WhyNote[];
};

/** The report with its events and why notes; the notes need the plan and config the run came from. */
export function reportDocument(report: Report, context?: ReportContext): ReportDocument {
  return {
    ...report,
    events: notableEvents(report, context),
    why: context === undefined ? [] : whyNotes(report, context),
  };
}

/** `reportDocument` as indented JSON, with a final newline. */
export function formatReportJson(report: Report, context?: ReportContext): string {
  return `${JSON.stringify(reportDocument(report, context), null, 2)}\n`;
}
