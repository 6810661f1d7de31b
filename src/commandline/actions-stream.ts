import type { ProcessHooks } from './hooks.js';
import { nativeEngine } from './actions-scripts.js';
import { streamRequest, takeLog } from './parse.js';
import { usage } from './usage.js';

/** `sockshell connect` / `listen`: nc's flags, then HOST PORT (listen: [HOST] PORT). */
export async function streamAction(hooks: ProcessHooks, mode: 'connect' | 'listen', argv: readonly string[]): Promise<number> {
  const request = streamRequest(mode, argv);
  if (typeof request === 'string') return usage(request, mode);
  const native = await nativeEngine();
  if (native === null) return usage(`SOCKSHELL_ENGINE is native or loop, not '${process.env.SOCKSHELL_ENGINE}'`, mode);
  const { runStream } = await import('../run/stream.js');
  return runStream(
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    // The bulk path moves bytes between descriptors 0 and 1 and the socket, inside the kernel.
    { mode, ...request, signal: hooks.interrupts().signal, ...(native ? { descriptors: { input: 0, output: 1 } } : {}) },
  );
}

/** `sockshell relay udp|tcp …`: socat's one-liner with impairments; -q keeps its notes off stderr, --log FILE writes what crossed. */
export async function relayAction(hooks: ProcessHooks, argv: readonly string[]): Promise<number> {
  const logged = takeLog(argv);
  if (typeof logged === 'string') return usage(`relay: ${logged}`, 'relay');
  const { runRelay } = await import('../run/relay-cli.js');
  return runRelay(
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    logged.rest.filter((a) => a !== '-q'),
    { quiet: argv.includes('-q'), signal: hooks.interrupts().signal, ...(logged.log !== undefined ? { log: logged.log } : {}) },
  );
}
