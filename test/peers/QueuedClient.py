# A client whose connection waits in the accept queue while it sends and ends: what accept then
# hands over is what the shell must tell. MODE: reset (SO_LINGER 0, close), datafin (send b'hello\n',
# close), datareset (send, then reset), data (send, keep the connection open until stdin ends).
#   python3 QueuedClient.py MODE PORT   connect to 127.0.0.1:PORT, do MODE, print the client's port
#   python3 QueuedClient.py MODE        Python's own server instead: listen, run MODE against itself,
#                                       accept once the kernel has it all, and print what the accepted
#                                       socket says: getpeername, then three recv (value or exception)
import socket, struct, sys, time

# What the kernel must hold for the server's end once MODE is done (/proc/net/tcp: state, receive queue).
SETTLED = {'reset': None, 'datareset': None, 'datafin': ('08', 7), 'data': ('01', 6)}


def server_end(port, client_port):
    """The server end's (state, bytes queued) in /proc/net/tcp, or None when the kernel has dropped it."""
    with open('/proc/net/tcp') as f:
        for row in f.readlines()[1:]:
            fields = row.split()
            local, remote, state, queues = fields[1], fields[2], fields[3], fields[4]
            if int(local.split(':')[1], 16) == port and int(remote.split(':')[1], 16) == client_port:
                return (state, int(queues.split(':')[1], 16))
    return None


def client(mode, port):
    c = socket.create_connection(('127.0.0.1', port))
    if mode != 'reset':
        c.sendall(b'hello\n')
    if mode in ('reset', 'datareset'):
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    print(c.getsockname()[1], flush=True)
    if mode == 'data':
        sys.stdin.read()
    c.close()


def outcome(call):
    try:
        return repr(call())
    except OSError as e:
        return type(e).__name__


mode = sys.argv[1]
if len(sys.argv) > 2:
    client(mode, int(sys.argv[2]))
    sys.exit(0)
listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(5)
c = socket.create_connection(listener.getsockname())
if mode != 'reset':
    c.sendall(b'hello\n')
if mode in ('reset', 'datareset'):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
port, client_port = listener.getsockname()[1], c.getsockname()[1]
if mode != 'data':
    c.close()
for _ in range(3000):  # until the kernel has it all (on loopback, at once), 30 s at most
    if server_end(port, client_port) == SETTLED[mode]:
        break
    time.sleep(0.01)
a, _ = listener.accept()
said = [outcome(a.getpeername), outcome(lambda: a.recv(100))]
if mode != 'data':  # the data client is still open: a third recv would wait
    said += [outcome(lambda: a.recv(100)), outcome(lambda: a.recv(100))]
print(*said)
