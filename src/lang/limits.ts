/**
 * How large a value may be: 64 MiB (characters of text, or bytes). V8 cannot make a string past about
 * 512 MiB (`a = "$a$a"` forty times ended in "RangeError: Invalid string length"), and a value is held
 * whole in memory, so one read from /dev/zero grew to 12 GB. Files larger than this travel with
 * sendfile and recvfile, which stream them.
 */
export const MAX_VALUE = 64 * 1024 * 1024;

/** "64 MiB": the limit as the README and messages state it. */
export const MAX_VALUE_TEXT = '64 MiB';

/** The error text for a value of `size` characters or bytes, or null when it fits. */
export function tooLarge(size: number, what: string): string | null {
  if (size <= MAX_VALUE) return null;
  return `${what} would be ${size.toLocaleString('en-US')} characters or bytes; a value holds at most ${MAX_VALUE_TEXT} (send a file with sendfile, receive one with recvfile)`;
}
