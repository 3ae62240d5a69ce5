/**
 * Reads a JSONL loss log: one JSON value per line, either a bare number or an object whose `key`
 * field (default `'loss'`) holds the iteration's loss. Blank lines are skipped.
 *
 * @param text The file contents.
 * @param options `key`: the field to read (default `'loss'`); `source`: a name for error messages.
 * @returns The losses in file order.
 * @throws Error naming the source, the 1-based line and the offending content.
 * @example
 * parseLossLog('{"step":0,"loss":22.1}\n{"step":1,"loss":21.9}\n'); // [22.1, 21.9]
 */
export function parseLossLog(text: string, options: { key?: string; source?: string } = {}): number[] {
  const { key = 'loss', source = 'loss log' } = options;
  const losses: number[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${source}:${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not valid JSON: ${line.slice(0, 80)}`);
    }
    const value =
      typeof parsed === 'number'
        ? parsed
        : parsed !== null && typeof parsed === 'object'
          ? (parsed as Record<string, unknown>)[key]
          : undefined;
    if (typeof value !== 'number') {
      throw new Error(
        `${where}: expected a number or an object with a numeric '${key}', got ${line.slice(0, 80)}`,
      );
    }
    losses.push(value);
  });
  return losses;
}
