// A windowed table: only the rows in view (plus a margin) are in the DOM, so 10,000 endpoints scroll
// and re-sort as smoothly as 100. ARIA table roles with aria-rowcount/aria-rowindex keep it readable
// by assistive technology; the scroll area takes keyboard focus.

import { type CSSProperties, memo, type ReactNode, useState } from 'react';

export interface Column<R> {
  key: string;
  label: string;
  /** CSS grid track, e.g. `6rem` or `minmax(12rem, 2fr)`. */
  width: string;
  render(row: R): ReactNode;
  sortable?: boolean;
  align?: 'end';
}

export interface Sort {
  key: string;
  dir: 'asc' | 'desc';
}

const ROW = 36;
const OVERSCAN = 8;

export function VirtualTable<R>({
  rows,
  columns,
  rowKey,
  sort,
  onSort,
  label,
  height = 560,
}: {
  rows: readonly R[];
  columns: Column<R>[];
  rowKey(row: R): string;
  sort?: Sort;
  onSort?(key: string): void;
  label: string;
  height?: number;
}) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + height) / ROW) + OVERSCAN);
  const template = columns.map((c) => c.width).join(' ');
  const grid = { gridTemplateColumns: template };
  return (
    <table className="vtable" aria-label={label} aria-rowcount={rows.length + 1}>
      <thead>
        <tr className="vrow vhead" aria-rowindex={1} style={grid}>
          {columns.map((c) => {
            const active = sort?.key === c.key;
            return (
              <th
                key={c.key}
                scope="col"
                className={c.align === 'end' ? 'end' : undefined}
                aria-sort={active ? (sort?.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sortable && onSort ? (
                  <button type="button" className="link" onClick={() => onSort(c.key)}>
                    {c.label}
                    {active ? (sort?.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                ) : (
                  c.label
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody
        className="vbody"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
        // Absolutely placed rows take no space: a 1-px ::after placed at the table's full height (the
        // --vtable-height custom property) gives the scroll area its extent.
        style={{ height, '--vtable-height': `${rows.length * ROW}px` } as CSSProperties}
        onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      >
        {rows.slice(first, last).map((r, i) => (
          <Row key={rowKey(r)} row={r} index={first + i} columns={columns} template={template} />
        ))}
      </tbody>
    </table>
  );
}

/** One row; memoised, so a scroll renders only the rows that come into view. */
const Row = memo(function Row<R>({
  row,
  index,
  columns,
  template,
}: {
  row: R;
  index: number;
  columns: Column<R>[];
  template: string;
}) {
  return (
    <tr
      className="vrow"
      aria-rowindex={index + 2}
      style={{ gridTemplateColumns: template, transform: `translateY(${index * ROW}px)` }}
    >
      {columns.map((c) => (
        <td key={c.key} className={c.align === 'end' ? 'end' : undefined}>
          {c.render(row)}
        </td>
      ))}
    </tr>
  );
}) as <R>(props: { row: R; index: number; columns: Column<R>[]; template: string }) => ReactNode;
