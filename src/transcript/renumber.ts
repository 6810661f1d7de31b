import { parseTranscript, renderItems, type Item, type Transcript } from './format.js';
import { replacePorts } from './ports.js';
import { replaceTypedPorts } from './port-words.js';

/**
 * `--with "… {port}" --port N`: the transcript was recorded against a program on port N, and this
 * run's program listens on a fresh port instead. The transcript is replayed with N replaced by the
 * fresh port wherever it stands as a port (in a typed line: an argument of kind port, never data),
 * and what the run saw is shown with N again, so a diff shows only real differences and --update keeps N.
 */

/** Items with port `from` replaced by `to`: in typed lines where an argument is a port, in output where it stands as a port. */
export function renumberItems(items: readonly Item[], from: number, to: number): Item[] {
  const swap = (port: number) => (port === from ? String(to) : null);
  return items.map((item) => {
    switch (item.kind) {
      case 'prose':
        return item;
      case 'input':
      case 'more':
        return { ...item, text: replaceTypedPorts(item.text, swap) };
      case 'output':
        return { ...item, text: replacePorts(item.text, 'output', swap) };
      default: {
        const exhaustive: never = item;
        return exhaustive;
      }
    }
  });
}

/** The transcript as it reads with port `from` replaced by `to` (same lines, so the same line numbers). */
export function renumberTranscript(transcript: Transcript, from: number, to: number): Transcript {
  return parseTranscript(renderItems(renumberItems(transcript.items, from, to))).transcript;
}
