/**
 * Words students bring from Python (and other shells) that sockshell spells differently. Each gets
 * the sockshell way in place of an edit-distance guess: `quit` is not a misspelt `wait`.
 */
const FOREIGN: Readonly<Record<string, string>> = {
  quit: 'to leave, type exit or press Ctrl-D',
  'quit()': 'to leave, type exit or press Ctrl-D',
  'exit()': 'to leave, type exit or press Ctrl-D',
  from: "sockshell needs no import: its commands are the socket module's calls (udp.socket is socket(AF_INET, SOCK_DGRAM))",
  import: "sockshell needs no import: its commands are the socket module's calls (udp.socket is socket(AF_INET, SOCK_DGRAM))",
  for: 'loops are while COND ... end and repeat N ... end',
  def: 'sockshell has no functions; put the lines in a script and run it (run FILE NAME=VALUE)',
  try: 'a failed call stops a script with its error; in the shell, explain says what it meant',
};

/**
 * Method names that spell a socket call as other languages (or English) do, too far from it for an
 * edit-distance guess: `cs.recieve` is three edits from recv (user trial 6).
 */
const RECEIVE = 'a socket receives with recv (TCP) or recvfrom (UDP)';
const FOREIGN_METHODS: Readonly<Record<string, string>> = {
  receive: RECEIVE,
  recieve: RECEIVE,
  recive: RECEIVE,
  read: RECEIVE,
  readline: 'recvline reads up to and including a newline',
  transmit: 'a socket sends with send or sendall (TCP) or sendto (UDP)',
};

/** The sockshell way for a method name from elsewhere (any case), or null. */
export function foreignMethod(method: string): string | null {
  const key = method.toLowerCase();
  return Object.hasOwn(FOREIGN_METHODS, key) ? FOREIGN_METHODS[key]! : null;
}

/** The sockshell way for a word from elsewhere, or null. */
export function foreignWord(word: string): string | null {
  return Object.hasOwn(FOREIGN, word) ? FOREIGN[word]! : null;
}

/**
 * A condition written as Python writes it: `True:` or `$x == 5:`. In sockshell the colon would be
 * part of the text, and any text is true, so `if False:` would run its body.
 */
export function pythonCondition(words: readonly string[]): string | null {
  const colon = (words[words.length - 1] ?? '').endsWith(':');
  const capital = words.map((w) => w.replace(/:$/, '')).find((w) => w === 'True' || w === 'False');
  const hints = [
    ...(colon ? ["drop the ':' (the block is the lines that follow, up to end)"] : []),
    ...(capital ? [`write ${capital.toLowerCase()}: '${capital}' is text here, and any text is true`] : []),
  ];
  return hints.length === 0 ? null : hints.join('; ');
}
