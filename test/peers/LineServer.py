# A line-based server in the style of Redis's inline protocol, for the stream-read tests (issue 13).
# Each request is a line ending in \r\n or \n; replies are lines ending in \r\n:
#   PING -> +PONG | ECHO text -> $<len> then the text on a line of its own | SUM a b -> :<a+b>
#   QUIT -> +BYE, then the server closes the connection | anything else -> -ERR unknown command
# It reads with makefile().readline(), so requests sent together in one segment are answered one by one.
# One connection at a time; the port is argv[1].
import sys
from socket import *

port = int(sys.argv[1])
server = socket(AF_INET, SOCK_STREAM)
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(('127.0.0.1', port))
server.listen(5)
print('ready', flush=True)
while True:
    conn, _ = server.accept()
    reader = conn.makefile('rb')
    while True:
        try:
            line = reader.readline()
        except ConnectionResetError:  # a client that stopped part-way; serve the next one
            break
        if not line:
            break
        words = line.rstrip(b'\r\n').split(b' ', 1)
        command = words[0].upper()
        if command == b'PING':
            conn.sendall(b'+PONG\r\n')
        elif command == b'ECHO':
            text = words[1] if len(words) > 1 else b''
            conn.sendall(b'$%d\r\n%s\r\n' % (len(text), text))
        elif command == b'SUM':
            a, b = words[1].split()
            conn.sendall(b':%d\r\n' % (int(a) + int(b)))
        elif command == b'QUIT':
            conn.sendall(b'+BYE\r\n')
            break
        else:
            conn.sendall(b'-ERR unknown command\r\n')
    reader.close()
    conn.close()
