import { DataFormatError } from '../errors/data-format-error';

/** Content of insightface's `property` file. */
export interface RecordIOProperty {
  numClasses: number;
  height: number;
  width: number;
}

/**
 * Parses insightface's `property` file (`num_classes,height,width`, e.g. `93431,112,112`).
 *
 * @param text - file content.
 * @param file - name for error messages. Default `'property'`.
 */
export function parseRecordIOProperty(text: string, file = 'property'): RecordIOProperty {
  const fields = text
    .trim()
    .split(',')
    .map((s) => s.trim());
  const values = fields.map(Number);
  if (
    fields.length !== 3 ||
    !values.every((v, i) => /^\d+$/.test(fields[i]!) && Number.isSafeInteger(v) && v > 0)
  ) {
    throw new DataFormatError(
      `malformed property ${JSON.stringify(text.trim())}, expected "num_classes,height,width"`,
      {
        file,
        line: 1,
      },
    );
  }
  const [numClasses, height, width] = values as [number, number, number];
  return { numClasses, height, width };
}

/** Formats insightface's `property` file content (`num_classes,height,width\n`). */
export function formatRecordIOProperty({ numClasses, height, width }: RecordIOProperty): string {
  return `${numClasses},${height},${width}\n`;
}
