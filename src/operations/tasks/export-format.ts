/**
 * The lines of an export file. CSV (RFC 4180): a header line of the column names, then one line
 * per row, CRLF-terminated; a value is quoted when it holds a comma, a quote, CR or LF, or
 * starts or ends with a space; NULL is an empty field. JSON lines: one object per row, values as
 * text (null kept), as App.Table.FreeQuery answers them.
 */
import type { AnsweredRow } from '../tables/rows.js';
import type { ExportFormat } from './export.js';

function csvField(v: string | null): string {
  if (v === null) return '';
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** What the file starts with. */
export function exportHeader(format: ExportFormat, columns: readonly string[]): string {
  return format === 'csv' ? columns.map(csvField).join(',') + '\r\n' : '';
}

/** The lines of a chunk of rows. */
export function exportLines(format: ExportFormat, columns: readonly string[], rows: readonly AnsweredRow[]): string {
  if (format === 'jsonl') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  return rows.map((r) => columns.map((c) => csvField(r[c] ?? null)).join(',') + '\r\n').join('');
}

export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};
