// Plain-text output for people: aligned tables and "Label:  value" blocks. No colours, so
// output stays the same in a terminal, a pipe or a log.

const MAX_CELL = 48;

/** One cell: single line, long values shortened with an ellipsis. */
function cell(value: string, max = MAX_CELL): string {
  const line = value.replace(/\r?\n/g, '⏎');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * An aligned table with an upper-case header row. Cells are shortened to 48 characters;
 * use `--json` for whole values.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => headers.map((_, i) => cell(row[i] ?? '')));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: readonly string[]) =>
    row
      .map((value, i) => (i === row.length - 1 ? value : value.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return `${[line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n')}\n`;
}

/** `Label:  value` lines, aligned; values are shortened to one line of 100 characters. */
export function formatDetails(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length)) + 1;
  return `${pairs.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${cell(value, 100)}`.trimEnd()).join('\n')}\n`;
}

/** Seconds since the epoch (as the protocol's int64) to `2026-11-27 19:55:09Z`, or `-` for 0. */
export function formatTime(seconds: bigint | number): string {
  const value = Number(seconds);
  if (!Number.isFinite(value) || value <= 0) return '-';
  return new Date(value * 1000).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** An enum value by its lower-case name (`ACTIVE` → `active`), or its number when unnamed. */
export function enumName(names: Readonly<Record<number, string>>, value: number): string {
  return names[value]?.toLowerCase() ?? String(value);
}
