import { readFile } from 'node:fs/promises';
import type { TlsSetup } from '../engine/types.js';
import { ShellError } from '../core/errors.js';
import { addressRepr } from '../lang/values.js';
import { tlsLines } from '../render/tls.js';
import type { Span } from '../lang/ast.js';
import { defineCommand, type CommandDef } from '../spec/command.js';
import { boundLines, pyHost, socketCall } from './describe.js';
import { refusedWhereUdp } from './moments.js';
import { shortcut } from './shortcuts.js';
import { ADDRESS, destination } from './address-arg.js';

/**
 * TLS over TCP, as Python's ssl module wraps a socket: tls.connect is socket + wrap_socket +
 * connect (TCP's handshake, then TLS's, then the check of the server's certificate); tls.listen is
 * socket + wrap_socket(server_side=True) + bind + listen, and its accept returns connections whose
 * handshake is done. After the handshake the socket is a byte stream like any TCP one: send, recv,
 * recvline, shutdown and close work on it unchanged.
 */

const HOST = { name: 'HOST', kind: 'host' } as const;
const PORT = { name: 'PORT', kind: 'port' } as const;

/** A PEM file a flag named (the interpreter's file guard has passed it): its bytes. */
async function pem(path: string, flag: string, span: Span): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new ShellError(`can't read ${path} for --${flag} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, span);
  }
}

/** The Python variable of the socket's SSLContext. */
const pyCtx = (socket: string): string => `${socket}_ctx`;

export const tlsCalls: readonly CommandDef[] = [
  defineCommand({
    name: 'tls.connect',
    group: 'shortcut',
    usage: 'tls.connect HOST PORT [--insecure] [--servername NAME] [--ca FILE] | tls.connect ADDRESS [...]',
    forms: [[HOST, PORT], [ADDRESS]],
    flags: {
      insecure: "accept a certificate that fails verification (self-signed, another name's): for test servers only",
      servername: 'the name to ask for (SNI) and check the certificate against; default: HOST',
      ca: 'trust the authorities (or the self-signed certificate) in this PEM file, instead of the built-in list',
    },
    valued: { ca: { name: 'FILE', kind: 'file' }, servername: { name: 'NAME', kind: 'host' } },
    summary:
      "A TLS client socket in one step: socket + wrap_socket + connect (TCP's handshake, then TLS's); shows the certificate, version and cipher",
    python: { code: "s = ssl.create_default_context().wrap_socket(socket(AF_INET, SOCK_STREAM), server_hostname='example.com')" },
    example: 'tls.connect localhost 4443 --ca cert.pem',
    toPython: (py) => {
      py.need('ssl');
      const n = py.newName;
      const ca = py.flagArg('FILE');
      const out = [`${pyCtx(n)} = ssl.create_default_context(${ca === null ? '' : `cafile=${ca}`})`];
      if (py.flag('insecure')) out.push(`${pyCtx(n)}.check_hostname = False`, `${pyCtx(n)}.verify_mode = ssl.CERT_NONE`);
      const host = py.flagArg('NAME') ?? (py.count === 2 ? py.arg(0) : `${py.arg(0)}[0]`);
      if (py.tlsBothEnds) {
        // Its server may be this program's: tls_connect runs the server's half at the same time.
        py.need('threading');
        py.helper('tls_connect');
        out.push(`${n} = ${pyCtx(n)}.wrap_socket(socket(AF_INET, SOCK_STREAM), server_hostname=${host}, do_handshake_on_connect=False)`);
        out.push(`tls_connect(${n}, ${py.address(0)})`);
      } else {
        out.push(`${n} = ${pyCtx(n)}.wrap_socket(socket(AF_INET, SOCK_STREAM), server_hostname=${host})`);
        out.push(`${n}.connect(${py.address(0)})`);
      }
      return { kind: 'lines', lines: out, defines: { name: n, type: 'socket' } };
    },
    async run(ctx) {
      const { FILE: ca, NAME: servername } = ctx.a;
      const to = destination(ctx.a);
      const { host, port } = to;
      const setup: TlsSetup = {
        role: 'client',
        servername: servername ?? null,
        ca: ca === undefined ? null : await pem(ca, 'ca', ctx.span),
        insecure: ctx.flags.has('insecure'),
      };
      const engine = ctx.session.engine;
      return shortcut(ctx, 'tcp', to, async (s) => {
        engine.wrapTls(s.handle, setup);
        const v = s.variable;
        ctx.info(
          `${s.created}; ${v} = ctx.wrap_socket(${v}, server_hostname=${pyHost(servername ?? host)}); ${v}.connect((${pyHost(host)}, ${port}))`,
        );
        const { local, remote } = await refusedWhereUdp(ctx, port, engine.connect(s.handle, host, port, ctx.block));
        ctx.info(`TCP handshake done: ${addressRepr(local)} → ${addressRepr(remote)}`);
        const tls = engine.info(s.handle).tls;
        if (tls) for (const line of tlsLines(tls, ca ?? "Node's built-in list")) ctx.info(line);
      });
    },
  }),
  defineCommand({
    name: 'tls.listen',
    group: 'shortcut',
    usage: 'tls.listen [HOST] PORT --cert CERT --key KEY',
    forms: [[PORT], [HOST, PORT]],
    flags: { cert: "the server's certificate, a PEM file", key: "the certificate's private key, a PEM file" },
    valued: { cert: { name: 'CERT', kind: 'file' }, key: { name: 'KEY', kind: 'file' } },
    summary:
      'A TLS welcoming socket in one step: socket + wrap_socket(server_side=True) + bind + listen; accept returns connections after their TLS handshake',
    python: {
      code: "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain('cert.pem', 'key.pem'); s = ctx.wrap_socket(socket(AF_INET, SOCK_STREAM), server_side=True); s.bind(('', 4443)); s.listen()",
    },
    example: 'tls.listen 4443 --cert cert.pem --key key.pem',
    toPython: (py) => {
      py.need('ssl');
      const n = py.newName;
      if (py.tlsBothEnds) py.helper('tls_connect');
      const [host, port] = py.count === 2 ? [py.arg(0), py.arg(1)] : ["''", py.arg(0)];
      return {
        kind: 'lines',
        lines: [
          `${pyCtx(n)} = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)`,
          `${pyCtx(n)}.load_cert_chain(${py.flagArg('CERT') ?? 'None'}, ${py.flagArg('KEY') ?? 'None'})`,
          `${n} = ${pyCtx(n)}.wrap_socket(${socketCall('tcp', py.family === 6 ? 6 : 4)}, server_side=True)`,
          `${n}.bind((${host}, ${port}))`,
          `${n}.listen(128)`,
          ...(py.tlsBothEnds ? [`tls_servers.append(${n})  # its clients in this program: see tls_connect`] : []),
        ],
        defines: { name: n, type: 'socket' },
      };
    },
    async run(ctx) {
      const { HOST: host = '', PORT: port, CERT: cert, KEY: key } = ctx.a;
      if (cert === undefined || key === undefined) {
        throw new ShellError(
          'tls.listen needs the certificate and its key, as in: tls.listen 4443 --cert cert.pem --key key.pem',
          ctx.span,
        );
      }
      const setup: TlsSetup = { role: 'server', cert: await pem(cert, 'cert', ctx.span), key: await pem(key, 'key', ctx.span) };
      const engine = ctx.session.engine;
      return shortcut(ctx, 'tcp', { host }, async (s) => {
        engine.wrapTls(s.handle, setup);
        const v = s.variable;
        ctx.info(
          `${s.created}; ctx.load_cert_chain(${pyHost(cert)}, ${pyHost(key)}); ${v} = ctx.wrap_socket(${v}, server_side=True); ${v}.bind((${pyHost(host)}, ${port})); ${v}.listen(128)`,
        );
        await engine.bind(s.handle, host, port);
        const a = await engine.listen(s.handle, 128);
        for (const line of boundLines(s.handle.name, a, '; it is a welcoming socket')) ctx.info(line);
        ctx.info('TLS: each client does its TLS handshake as it connects; accept returns it done, then send and recv carry the plaintext');
      });
    },
  }),
];
