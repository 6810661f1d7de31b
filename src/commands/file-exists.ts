/**
 * The one wording for a command that will not replace an existing file (export FILE, diagram --svg
 * FILE), in step with `sockshell record`'s: say the file is kept, and how to replace it on purpose.
 */
export function existsMessage(command: string, path: string, forced: string): string {
  return `${path} exists and ${command} keeps it (it may be your own work): choose another name, or replace it with ${forced}`;
}
