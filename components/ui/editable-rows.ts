import { useRef, useState } from 'react';

/**
 * A form's list of rows the user adds and removes (configs, headers). Each row gets its own id for its
 * React key: keyed by index, removing a row handed its inputs (and focus) to the next one.
 */
export function useEditableRows<T extends object>() {
  const nextId = useRef(0);
  const [rows, setRows] = useState<Array<T & { id: number }>>([]);
  return {
    rows,
    add: (row: T) => setRows((r) => [...r, { ...row, id: nextId.current++ }]),
    update: (id: number, patch: Partial<T>) => setRows((r) => r.map((x) => (x.id === id ? { ...x, ...patch } : x))),
    remove: (id: number) => setRows((r) => r.filter((x) => x.id !== id)),
  };
}
