// Shared output helpers for commands: format choice, JSON, aligned tables, one-line issues.

import { formatIssue, type InputIssue } from '../model/index.js';

/** `--format` default: a table for a person at a terminal, JSON when piped. */
export function defaultFormat(): 'table' | 'json' {
  return process.stdout.isTTY ? 'table' : 'json';
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  align?: 'left' | 'right';
  /** Longest cell; longer values are cut with an ellipsis. */
  max?: number;
}

/** A plain aligned text table (no colours: it must read the same in a CI log). */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const text = String(c.value(row));
      return c.max !== undefined && text.length > c.max ? `${text.slice(0, c.max - 1)}…` : text;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]?.align === 'right' ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

export function printIssue(issue: InputIssue): void {
  process.stderr.write(`mamori: ${formatIssue(issue)}\n`);
}
