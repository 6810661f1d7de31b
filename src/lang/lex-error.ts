/** A lexing failure at a column (1-based) of the line, `width` characters wide. */
export class LexError extends Error {
  constructor(
    message: string,
    readonly col: number,
    readonly width = 1,
  ) {
    super(message);
  }
}
