#!/usr/bin/env node
/**
 * npm run build: src/ → dist/.
 *
 *   1. tsc: type-checked ES modules, one per source file, in dist/modules/. Tests import a few of them
 *      directly (dist/modules/repl/repl.js); the command line does not use them.
 *   2. esbuild: the whole command line as one CommonJS file, dist/sockshell.cjs, with its source map,
 *      yargs-parser and cli-table3 inside it. Start-up then reads one file instead of resolving,
 *      reading and linking ~90 modules.
 *   3. dist/cli.js: the launcher (tools/launcher.cjs), which compiles the bundle with V8's code cache.
 *      dist/package.json makes dist/*.js CommonJS; dist/modules/package.json keeps the modules ESM.
 *   4. The code cache itself, made by one `sockshell run` of an empty script, so the first real
 *      start-up is already fast.
 *   5. The native addon (native/sockshell.c, N-API) with node-gyp against this Node's own headers,
 *      into dist/native/sockshell.node. It is optional: when it cannot be built (no compiler, no
 *      headers, no node-gyp), one line says why and the shell runs on the event loop alone. Nothing is
 *      downloaded: without headers here there is no build. SOCKSHELL_NATIVE=0 skips it.
 *
 * esbuild is a dependency of vitest, in node_modules already. Its install script is not allowed to run
 * (package.json allowScripts), and it is not needed: the esbuild package finds its platform binary
 * (@esbuild/linux-x64 and the like, an optional dependency) without it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const require = createRequire(import.meta.url);

function run(command, args, what) {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`build: ${what} failed (${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

rmSync(DIST, { recursive: true, force: true });
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], 'tsc');

/**
 * Two rewrites of src/ on its way into the bundle:
 * - Our dependencies are CommonJS, loaded with createRequire(import.meta.url)(NAME) in src/ (their ES
 *   module builds are several files each). esbuild cannot see through createRequire, so those calls
 *   become plain require(NAME), which it includes. The native addon (a .node file) stays a load at
 *   run time, from beside the bundle.
 * - import.meta.url becomes the URL of the module's own source file (see the banner below).
 * - A dynamic import of a Node built-in (`await import('node:dns/promises')`) stays import() in
 *   esbuild's output, and import() needs a module loader the launcher's vm.Script does not have; it
 *   becomes a require, which gives the same exports.
 */
const requireInBundle = {
  name: 'require-in-bundle',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = relative(ROOT, args.path).split(sep).join('/');
      const original = readFileSync(args.path, 'utf8');
      checkLazyImports(original, source);
      const text = original
        .replace(/createRequire\(import\.meta\.url\)\(('[^']+(?<!\.node)')\)/g, 'require($1)')
        .replace(/\bimport\(('node:[^']+')\)/g, 'Promise.resolve(require($1))')
        .replace(/\bimport\.meta\.url\b/g, `__sourceUrl(${JSON.stringify(source)})`);
      return { contents: text, loader: 'ts' };
    });
  },
};

/**
 * Node's socket, stream and terminal modules load when first used, not when the bundle starts. A
 * bundled `import { createServer } from 'node:net'` is a require at the importing module's start, and
 * every module of the bundle starts with the shell: `sockshell run` of an empty script loaded ~45 of
 * Node's modules it never used (net alone pulls in the streams) and read /etc/resolv.conf for dns.
 * Each of these imports from src/ becomes a small module of getters, one per export the built-in has
 * here, that requires the built-in on the first read of any of them. A getter, not a Proxy: esbuild's
 * import helper copies a module's own keys as getters, which keeps the load lazy, and V8 inlines them.
 * An import of a name this Node does not export fails the build (it would be undefined at run time).
 */
const LAZY_BUILTINS = [
  'node:child_process',
  'node:dgram',
  'node:dns',
  'node:fs/promises',
  'node:net',
  'node:os',
  'node:readline',
  'node:repl',
  'node:string_decoder',
  'node:timers/promises',
  'node:tls',
  'node:tty',
];
const exportsOf = (name) => Object.keys(require(name)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');

/** Fails the build for a named import from a lazy built-in that this Node does not export. */
function checkLazyImports(text, file) {
  for (const m of text.matchAll(/import\s*(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*'(node:[^']+)'/g)) {
    if (!LAZY_BUILTINS.includes(m[2])) continue;
    const have = new Set(exportsOf(m[2]));
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0];
      if (name === '' || name.startsWith('type ') || have.has(name)) continue;
      process.stderr.write(`build: ${file} imports ${name} from ${m[2]}, which this Node (${process.version}) does not export\n`);
      process.exit(1);
    }
  }
}

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    const wanted = new RegExp(`^(${LAZY_BUILTINS.map((n) => n.replace(/[/]/g, '\\/')).join('|')})$`);
    build.onResolve({ filter: wanted }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const getters = exportsOf(args.path)
        .map((n) => `  get ${n}() { return load().${n}; },`)
        .join('\n');
      return {
        contents: `let loaded;\nconst load = () => (loaded ??= require(${JSON.stringify(args.path)}));\nmodule.exports = {\n${getters}\n  get default() { return load(); },\n};\n`,
        loader: 'js',
      };
    });
  },
};

const { build } = await import('esbuild');
const bundle = join(DIST, 'sockshell.cjs');
await build({
  entryPoints: [join(ROOT, 'src/cli.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  // Less to read and hash at every start-up (~5 ms here); names stay, so stack frames still read.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [requireInBundle, lazyBuiltins],
  // import.meta.url is each module's own source file's URL, as if src/ were beside dist/: what a module
  // finds from it (../package.json, ../../lessons/) is where it was in the source tree.
  banner: {
    js: 'const __sourceUrl = (file) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", file)).href;',
  },
  logLevel: 'warning',
});
// The launcher compiles the bundle as a function body, where a #! line is a syntax error. A comment
// in its place keeps every line where the source map expects it.
const text = readFileSync(bundle, 'utf8');
const dynamic = /\bimport\(/.exec(text.replace(/\/\/.*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, ''));
if (dynamic) {
  process.stderr.write('build: the bundle still holds a dynamic import(), which the launcher cannot run\n');
  process.exit(1);
}
// Only ASCII, so that the launcher reads it as latin1 and V8 holds it one byte a character: a single
// '—' left in a regular expression (esbuild escapes strings, not those) made the whole half megabyte
// a two-byte string, decoded from UTF-8 and hashed at twice the size on every start-up. \uXXXX means
// the same character in a string, a template and a regular expression (with the u flag or without);
// the columns the source map gives on such a line are off by five a character after it.
const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(bundle, ascii.startsWith('#!') ? `//${ascii.slice(ascii.indexOf('\n'))}` : ascii);

writeFileSync(join(DIST, 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(join(DIST, 'modules/package.json'), '{ "type": "module" }\n');
copyFileSync(join(ROOT, 'tools/launcher.cjs'), join(DIST, 'cli.js'));
chmodSync(join(DIST, 'cli.js'), 0o755);

const scratch = mkdtempSync(join(tmpdir(), 'sockshell-build-'));
try {
  const empty = join(scratch, 'empty.sock');
  writeFileSync(empty, '');
  run(process.execPath, [join(DIST, 'cli.js'), 'run', empty], 'making the code cache (sockshell run of an empty script)');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

buildNative();

/** Step 5; never fails the build. */
function buildNative() {
  const skip = (why) => process.stdout.write(`build: no native addon (${why}); sockshell will use the event-loop engine alone\n`);
  if (process.env.SOCKSHELL_NATIVE === '0') return skip('SOCKSHELL_NATIVE=0');
  if (process.platform !== 'linux') return skip(`the addon is written for Linux, not ${process.platform}`);
  // npm gives its scripts its own node-gyp and nodedir; outside npm (vitest's set-up), find them beside this Node.
  const prefix = dirname(dirname(process.execPath));
  const nodeGyp = [process.env.npm_config_node_gyp, join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')].find(
    (p) => p && existsSync(p),
  );
  if (nodeGyp === undefined) return skip('node-gyp not found');
  const nodedir = [process.env.npm_config_nodedir, prefix].find((d) => d && existsSync(join(d, 'include/node/node_api.h')));
  if (nodedir === undefined) return skip(`no Node headers beside ${process.execPath}, and none are downloaded`);
  const native = join(ROOT, 'native');
  const configured = existsSync(join(native, 'build/Makefile'));
  const r = spawnSync(process.execPath, [nodeGyp, configured ? 'build' : 'rebuild', `--nodedir=${nodedir}`], {
    cwd: native,
    encoding: 'utf8',
  });
  const built = join(native, 'build/Release/sockshell.node');
  if (r.status !== 0 || !existsSync(built)) {
    const why = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').find((l) => /error|not found/i.test(l) && !l.includes('gyp info'));
    return skip(`node-gyp failed: ${why?.trim() ?? `status ${r.status ?? r.signal}`}`);
  }
  mkdirSync(join(DIST, 'native'), { recursive: true });
  copyFileSync(built, join(DIST, 'native/sockshell.node'));
}
