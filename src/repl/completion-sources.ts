import { COMMANDS, TABLE } from '../commands/table.js';
import type { CompletionSources } from './completer.js';
import type { ShellCore } from './core.js';
import type { Transport } from '../engine/index.js';

const NAMES = COMMANDS.map((c) => c.name);
const METHODS = COMMANDS.filter((c) => c.method);

/** What Tab can offer in this shell: the command table, and the sockets and variables of the moment. */
export function completionSources(core: ShellCore): CompletionSources {
  const engine = core.session.engine;
  const openSockets = () => engine.list().map((s) => s.name);
  /** The transport of the socket NAME holds (a variable) or is (an open socket's name), found as NAME.call finds it; null for neither. */
  const transportOf = (name: string): Transport | null => {
    const held = core.scope.peek(name);
    const socket = held === undefined ? engine.lookup(name) : held.kind === 'socket' ? held.handle : null;
    return socket ? (engine.endpoints(socket)?.transport ?? null) : null;
  };
  return {
    commands: NAMES,
    methods: (owner) => {
      const transport = transportOf(owner);
      return METHODS.filter((c) => transport === null || c.transport === undefined || c.transport === transport).map((c) => c.name);
    },
    sockets: openSockets,
    variables: () => core.scope.names(),
    socketVariables: () =>
      core.scope.names().filter((name) => {
        const v = core.scope.peek(name);
        return v?.kind === 'socket' && core.session.engine.endpoints(v.handle) !== null;
      }),
    argChoices: (command, index) => [
      // Forms that share an argument (setsockopt's OPTION) offer its words once.
      ...new Set(
        (TABLE.get(command)?.forms ?? []).flatMap((form) => {
          const spec = form[index];
          if (spec?.kind === 'socket') return openSockets();
          if (spec?.kind === 'command') return NAMES;
          return spec?.choices ?? [];
        }),
      ),
    ],
  };
}
