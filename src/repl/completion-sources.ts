import { COMMANDS, TABLE } from '../commands/table.js';
import type { CompletionSources } from './completer.js';
import type { ShellCore } from './core.js';

const NAMES = COMMANDS.map((c) => c.name);
const METHODS = COMMANDS.filter((c) => c.method).map((c) => c.name);

/** What Tab can offer in this shell: the command table, and the sockets and variables of the moment. */
export function completionSources(core: ShellCore): CompletionSources {
  const openSockets = () => core.session.engine.list().map((s) => s.name);
  return {
    commands: NAMES,
    methods: METHODS,
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
