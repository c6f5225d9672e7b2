'use client';

import { useMemo, useState } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  /** Value used for sorting (omit to make the column unsortable). */
  sort?: (row: T) => number | string;
  render: (row: T) => React.ReactNode;
  numeric?: boolean;
  /** More classes for the column's cells (e.g. "mono", "strong"). */
  className?: string;
  cellTestId?: (row: T) => string;
}

const cellClass = <T,>(c: Column<T>) => [c.numeric ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined;

/** A table whose headers sort it (click or Enter); keyboard reachable. On a phone each row is a card. */
export function SortableTable<T>({
  rows,
  columns,
  rowKey,
  initialSort,
  testId,
  rowTestId,
  className,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  initialSort?: { key: string; desc?: boolean };
  testId?: string;
  rowTestId?: (row: T) => string;
  /** More classes for the table (e.g. "compact"). */
  className?: string;
}) {
  const [sort, setSort] = useState(initialSort ?? null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    if (!col?.sort) return rows;
    const get = col.sort;
    return [...rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.desc ? -cmp : cmp;
    });
  }, [rows, columns, sort]);
  return (
    <div className="table-wrap">
      <table data-testid={testId} className={`cards-narrow sortable${className ? ` ${className}` : ''}`}>
        <thead>
          <tr>
            {columns.map((c) => {
              // The direction of this column's sort, or null when the table is not sorted by it.
              const desc = sort?.key === c.key ? Boolean(sort.desc) : null;
              return (
                <th
                  key={c.key}
                  className={[c.numeric ? 'num' : '', c.sort ? '' : 'unsortable'].join(' ').trim() || undefined}
                  aria-sort={desc === null ? undefined : desc ? 'descending' : 'ascending'}
                >
                  {c.sort ? (
                    <button type="button" className="th-sort" onClick={() => setSort({ key: c.key, desc: desc === null ? false : !desc })}>
                      {c.header}
                      <span aria-hidden>{desc === null ? '' : desc ? ' ▾' : ' ▴'}</span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)} data-testid={rowTestId?.(row)}>
              {columns.map((c) => (
                <td key={c.key} className={cellClass(c)} data-label={c.header} data-testid={c.cellTestId?.(row)}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
