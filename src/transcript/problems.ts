import { readFile } from 'node:fs/promises';
import { parseTranscript, type Transcript, type TranscriptError } from './format.js';
import { readHeader, type Header } from './header.js';

/**
 * What makes a transcript unusable as a test, before anything runs: lines that do not parse, a
 * header it cannot use, and a transcript that types no command, which would pass whatever the
 * program does (a file indented with tabs, or prose alone). `sockshell check FILE.sockt` and
 * `sockshell test` both ask this.
 */
export function transcriptProblems(text: string): { transcript: Transcript; header: Header; problems: TranscriptError[] } {
  const { transcript, errors } = parseTranscript(text);
  const { header, errors: headerErrors } = readHeader(transcript.items);
  const problems = [...headerErrors, ...errors];
  if (problems.length > 0 || transcript.blocks.length > 0) return { transcript, header, problems };
  const tabbed = text.split('\n').findIndex((l) => /^\t+\S/.test(l));
  const hint =
    tabbed >= 0
      ? `; line ${tabbed + 1} is indented with a tab, which makes it prose: indent the session with two spaces`
      : '; a command is a line indented two spaces, as in "  sockshell> recvfrom 2048"';
  return { transcript, header, problems: [{ line: 1, message: `it checks nothing: no line types a command${hint}` }] };
}

/** `sockshell check FILE.sockt`: says each problem as FILE:LINE: message; true when there is none. */
export async function checkTranscriptFile(file: string, io: { readonly stderr: NodeJS.WritableStream }): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.stderr.write(`sockshell: can't read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})\n`);
    return false;
  }
  const { problems } = transcriptProblems(text);
  for (const p of problems) io.stderr.write(`${file}:${p.line}: ${p.message}\n`);
  return problems.length === 0;
}
