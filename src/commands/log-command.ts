/**
 * `log on [FILE] [--text]` / `log off` / `log`: the traffic log, socat -v -x for every socket of the
 * session. The session's TrafficTap does the work as a subscriber of the engine's events; this only
 * turns it on and off and says where it goes.
 */
import { NONE, type Value } from '../lang/values.js';
import { ShellError } from '../core/errors.js';
import { comment } from '../spec/python.js';
import { defineCommand, type CallContext } from '../spec/command.js';
import type { TrafficTarget } from '../spec/services.js';

const SWITCH = { name: 'SWITCH', kind: 'switch', choices: ['on', 'off'] } as const;

const where = (t: TrafficTarget): string =>
  `${t.file === null ? 'the screen' : t.file}, as ${t.form === 'hex' ? 'a hex dump with ASCII' : 'text'}`;

async function log(ctx: CallContext<{ readonly SWITCH?: boolean; readonly FILE?: string }>): Promise<Value> {
  const traffic = ctx.session.traffic;
  const { SWITCH: on, FILE: file } = ctx.a;
  const fileSpan = ctx.args[1]?.span ?? ctx.span;
  if (on === undefined) {
    ctx.display(
      traffic.target === null ? 'the traffic log is off (log on [FILE] starts it)' : `the traffic log goes to ${where(traffic.target)}`,
    );
    return NONE;
  }
  if (!on) {
    if (file !== undefined) throw new ShellError('log off takes no file', fileSpan);
    const stopped = await traffic.stop();
    ctx.info(stopped === null ? 'the traffic log was off' : `traffic log off: ${stopped.entries} entries went to ${where(stopped.target)}`);
    return NONE;
  }
  const target: TrafficTarget = { file: file ?? null, form: ctx.flags.has('text') ? 'text' : 'hex' };
  try {
    await traffic.start(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ShellError(`can't open ${target.file ?? 'the log'} for appending (${code})`, fileSpan);
  }
  ctx.info(`traffic log on: every byte each socket sends (>) and receives (<) goes to ${where(target)}`);
  return NONE;
}

export const logCommand = defineCommand({
  name: 'log',
  group: 'session',
  usage: 'log [on|off] [FILE] [--text]',
  forms: [[], [SWITCH], [SWITCH, { name: 'FILE', kind: 'file', writes: true }]],
  flags: { text: 'the bytes as they are (terminal-safe on the screen) instead of a hex dump' },
  summary:
    'Traffic log: every byte each socket sends and receives, with time, direction, socket, addresses and length (socat -v -x); FILE is appended to',
  python: { none: 'Python keeps no record of its traffic; socat -v -x and tcpdump -X do' },
  example: 'log on traffic.log',
  toPython: (py) => comment(`log ${py.count ? py.arg(0).replace(/'/g, '') : ''}: the shell logged the traffic here`),
  run: log,
});
