import type { PyHelper } from '../spec/python.js';

/**
 * The functions an exported program defines at its top for the shell's stream reads. Each reads
 * exactly what the shell's call takes and never more (peeking with MSG_PEEK, then taking only up to
 * the delimiter), so a plain s.recv after it gets the next bytes, as it does in the shell. Like the
 * shell's calls, each returns b'' when the peer has closed with nothing left, and fails (EOFError) when
 * it closed part-way; the shell also leaves those bytes queued, where Python has read them. recvfile
 * is a function too, not a loop written in place, so that its count of bytes written is a value.
 */
const HELPERS: Readonly<Record<PyHelper, { readonly uses: readonly PyHelper[]; readonly code: string }>> = {
  recvuntil: {
    uses: [],
    code: `def recvuntil(s, delim, drop=False):
    """Bytes up to and including delim (without it if drop), reading nothing past it."""
    data = b''
    while True:
        ahead = s.recv(65536, MSG_PEEK)
        if not ahead:
            if data:
                raise EOFError('the peer closed the connection before %r came; left: %r' % (delim, data))
            return data
        i = (data + ahead).find(delim)
        if i < 0:
            data += s.recv(len(ahead))
        else:
            data += s.recv(i + len(delim) - len(data))
            return data[:-len(delim)] if drop else data`,
  },
  recvline: {
    uses: ['recvuntil'],
    code: `def recvline(s, drop=False):
    """One line, up to and including its newline (without CR LF or LF if drop)."""
    line = recvuntil(s, b'\\n')
    if drop:
        line = line[:-2] if line.endswith(b'\\r\\n') else line[:-1]
    return line`,
  },
  recvexactly: {
    uses: [],
    code: `def recvexactly(s, n):
    """Exactly n bytes, however they arrive."""
    data = b''
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            if data:
                raise EOFError('the peer closed the connection after %d of %d bytes; left: %r' % (len(data), n, data))
            break
        data += chunk
    return data`,
  },
  recvfile: {
    uses: [],
    code: `def recvfile(s, path, nbytes=None):
    """Receives into the file at path (created or emptied) until the peer closes, or nbytes; returns the bytes written."""
    written = 0
    with open(path, 'wb') as f:
        while nbytes is None or written < nbytes:
            data = s.recv(65536 if nbytes is None else min(65536, nbytes - written))
            if not data:
                break
            f.write(data)
            written += len(data)
    return written`,
  },
  tls_connect: {
    uses: [],
    code: `tls_servers = []  # this program's TLS listening sockets: tls_connect looks for its server among them
tls_early = []  # (listening socket, (conn, addr)) that tls_connect accepted, for tls_accept to return


def tls_connect(c, address):
    """c.connect(address), then the TLS handshake, as sockshell's tls.connect. When the server is this
    program's own listening socket, its half of the handshake must run at the same time: sockshell's
    does it before accept (as Node does), so a thread accepts here and tls_accept returns what it got."""
    c.connect(address)
    server = next((s for s in tls_servers if s.getsockname()[1] == c.getpeername()[1]), None)
    if server is None:
        c.do_handshake()
        return

    def accept():
        try:
            tls_early.append((server, server.accept()))
        except (ssl.SSLError, OSError):
            pass  # as in sockshell: a client whose handshake fails never reaches accept

    t = threading.Thread(target=accept)
    t.start()
    try:
        c.do_handshake()
    finally:
        t.join()`,
  },
  tls_accept: {
    uses: ['tls_connect'],
    code: `def tls_accept(s):
    """s.accept(), or the connection that tls_connect accepted on s already, its handshake done."""
    for i, (server, got) in enumerate(tls_early):
        if server is s:
            del tls_early[i]
            return got
    return s.accept()`,
  },
  hexdump: {
    uses: [],
    code: `def hexdump(data):
    """Prints data as sockshell's hexdump shows it: hexdump -C's rows (offset, 16 bytes in hex, the printable ones), then the total."""
    if not data:
        print('(0 bytes)')
        return
    for at in range(0, len(data), 16):
        row = data[at:at + 16]
        hexes = ['%02x' % b for b in row]
        text = ''.join(chr(b) if 32 <= b < 127 else '.' for b in row)
        print('%08x  %-23s  %-23s  |%s|' % (at, ' '.join(hexes[:8]), ' '.join(hexes[8:]), text))
    print('%08x  (%d bytes)' % (len(data), len(data)))`,
  },
  input_or_none: {
    uses: [],
    code: `def input_or_none(prompt=''):
    """A line of input, or None at the end of input, as sockshell's input gives."""
    try:
        return input(prompt)
    except EOFError:
        return None`,
  },
};

/** The definitions for the helpers used, each after those it calls, with a blank line after each. */
export function helperDefinitions(used: ReadonlySet<PyHelper>): string[] {
  const out: string[] = [];
  const done = new Set<PyHelper>();
  const add = (name: PyHelper): void => {
    if (done.has(name)) return;
    done.add(name);
    HELPERS[name].uses.forEach(add);
    out.push(...HELPERS[name].code.split('\n'), '');
  };
  [...used].sort().forEach(add);
  return out;
}
