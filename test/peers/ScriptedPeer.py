"""A TCP server peer driven line by line from stdin, for tests that need to say exactly when it acts.

Prints its port, accepts one connection, then for each line of stdin:
  send TEXT   sendall(TEXT) as one call
  close       close() the connection (a FIN; a reset answers what arrives after)
  reset       close() with SO_LINGER 0: a reset (RST)
  touch FILE  create FILE (for a test that waits on it with its event loop blocked)
and prints "done" after each, so the test knows it happened. Ends at end of input.
"""
import socket
import struct
import sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 0))
server.listen(1)
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
for line in sys.stdin:
    word, _, rest = line.rstrip('\n').partition(' ')
    if word == 'send':
        conn.sendall(rest.encode())
    elif word == 'close':
        conn.close()
    elif word == 'reset':
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        conn.close()
    elif word == 'touch':
        open(rest, 'w').close()
    print('done', flush=True)
