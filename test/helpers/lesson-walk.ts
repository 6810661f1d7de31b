import { expect } from 'vitest';
import { withoutReceiveNotes, type CoreDriver } from './core-driver.js';

/** What the lesson and the shell said, lines the lesson wrapped joined back (a continuation starts with two spaces). */
export const said = (out: string): string => out.replace(/\n {2}(?=\S)/g, ' ');

/** Types each line and checks what the lesson said after it (the prompt's notes of waits and arrivals left out). */
export async function walk(d: CoreDriver, steps: readonly (readonly [string, RegExp])[]): Promise<void> {
  for (const [line, next] of steps) expect(said(withoutReceiveNotes((await d.run(line)).out)), line).toMatch(next);
}

/** The UDP lesson in one terminal, from its start until relayPort is set (step 13 done). */
export const udpToRelay = (port: number, relayPort: number): [string, RegExp][] => [
  ['lesson udp', /Step 1 of 19/],
  [`serverPort = ${port}`, /Step 2/],
  ['clientSocket = udp.socket', /Step 3/],
  ['clientSocket.getsockname', /Step 4/],
  ['clientSocket.sendto hello localhost $serverPort', /Step 5/],
  ['serverSocket = udp.bind $serverPort', /Step 6/],
  ['clientSocket.sendto hello localhost $serverPort', /Step 7/],
  ['message, clientAddress = serverSocket.recvfrom 2048', /Step 8/],
  ['modifiedMessage = upper $message', /Step 9/],
  ['serverSocket.sendto $modifiedMessage $clientAddress', /Step 10/],
  ['modifiedMessage, serverAddress = clientSocket.recvfrom 2048', /Step 11/],
  ['print $modifiedMessage', /Step 12/],
  [`relayPort = ${relayPort}`, /Step 13 of 19/],
];

/** The TCP lesson in one terminal up to the server's accept (step 6): the client refused, then connected; the sockets under the lesson's names or the student's. */
export const tcpOpening = (port: number, client = 'clientSocket', server = 'serverSocket'): [string, RegExp][] => [
  ['lesson tcp', /Step 1 of 17/],
  [`serverPort = ${port}`, /Step 2 of 17/],
  [`${client} = tcp.socket`, /Step 3 of 17/],
  [`${client}.connect localhost $serverPort`, /Step 4 of 17/],
  [`${server} = tcp.listen $serverPort`, /Step 5 of 17/],
  [`${client}.connect localhost $serverPort`, /Step 6 of 17/],
];

/** What the lesson and the shell said after one line (the prompt's notes left out, wrapped lines joined). */
export const saidAfter = async (d: CoreDriver, line: string): Promise<string> => said(withoutReceiveNotes((await d.run(line)).out));

/** The TCP lesson from the accept (step 6) through the client's receive of the reply (step 12). */
export const tcpExchange: [string, RegExp][] = [
  ['connectionSocket, addr = serverSocket.accept', /Step 7 of 17/],
  ['clientSocket.send hello', /Step 8 of 17/],
  ['sentence = connectionSocket.recv 1024', /Step 9 of 17/],
  ['capitalizedSentence = upper $sentence', /Step 10 of 17/],
  ['connectionSocket.send $capitalizedSentence', /Step 11 of 17/],
  ['modifiedSentence = clientSocket.recv 1024', /Step 12 of 17/],
];
