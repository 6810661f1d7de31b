# A length-prefixed binary protocol, for the stream-read and struct tests (issue 13).
# Request:  a header of struct '>HI' (kind: u16, body length: u32), then the body.
# Response: a header of struct '>HHI' (kind: u16, status: u16, body length: u32), then the body.
#   kind 1 UPPER: the body upper-cased, status 0
#   kind 2 ADD: the body is struct '>ii'; the reply body is struct '>q' of their sum, status 0
#   any other kind: status 1 and an empty body
# The server reads exactly the header, then exactly the body (a loop of recv), and writes each
# response in two pieces (header, then body) to show that the client must reassemble.
# One connection at a time; it ends when the client closes. The port is argv[1].
import struct
import sys
from socket import *

def exactly(conn, n):
    data = b''
    while len(data) < n:
        try:
            chunk = conn.recv(n - len(data))
        except ConnectionResetError:  # a client that stopped part-way; serve the next one
            return None
        if not chunk:
            return None
        data += chunk
    return data

port = int(sys.argv[1])
server = socket(AF_INET, SOCK_STREAM)
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
server.bind(('127.0.0.1', port))
server.listen(5)
print('ready', flush=True)
while True:
    conn, _ = server.accept()
    while True:
        header = exactly(conn, 6)
        if header is None:
            break
        kind, length = struct.unpack('>HI', header)
        body = exactly(conn, length)
        if body is None:
            break
        if kind == 1:
            status, reply = 0, body.upper()
        elif kind == 2:
            a, b = struct.unpack('>ii', body)
            status, reply = 0, struct.pack('>q', a + b)
        else:
            status, reply = 1, b''
        conn.sendall(struct.pack('>HHI', kind, status, len(reply)))
        conn.sendall(reply)
    conn.close()
