/** How the command line exits, for scripts. */
export const EXIT = {
  ok: 0,
  /** The task ended other than `completed` (failed, blocked, cancelled, terminated). */
  taskNotCompleted: 1,
  /** Bad arguments. */
  usage: 2,
  /** The API refused the request, or could not be reached. */
  apiError: 3,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/** Writes `value` as indented JSON, one document per command, for scripts. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as columns padded to their widest cell; the last column is not padded. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

/** A one-line version of free text, cut to `width` characters. */
export function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
