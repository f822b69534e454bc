import type { FieldError } from '../journey/event-data';

/** One bad line of an import file, as the answer lists it. */
export interface ImportLineError extends FieldError {
  line: number;
}

/** Errors an import lists at most; past them it only counts the bad lines. */
export const MAX_LISTED_ERRORS = 1000;

/**
 * The bad lines of an import: their count, and the errors of the first ones by line number, at most
 * MAX_LISTED_ERRORS. Lines come in file order while they are read, but out of it while the rules are checked
 * (person by person), so errors are kept sorted and cut back to the limit whenever twice that many have gathered.
 */
export class BadLines {
  private errors: ImportLineError[] = [];
  count = 0;

  /** The errors of one line. */
  add(lineErrors: ImportLineError[]): void {
    this.count += 1;
    this.errors.push(...lineErrors);
    if (this.errors.length >= 2 * MAX_LISTED_ERRORS) this.cut();
  }

  listed(): ImportLineError[] {
    this.cut();
    return this.errors;
  }

  /** Bad lines none of whose errors is listed. */
  unlisted(): number {
    return this.count - new Set(this.listed().map((error) => error.line)).size;
  }

  private cut(): void {
    // Stable: a line's errors keep their order.
    this.errors.sort((a, b) => a.line - b.line);
    this.errors.length = Math.min(this.errors.length, MAX_LISTED_ERRORS);
  }
}
