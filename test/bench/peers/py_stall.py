"""The peer of the sendall memory measurement: accepts one client (over TLS when given CERT KEY) and
never reads, so the sender's kernel buffers fill and stay full. Prints "ready PORT"; runs until killed.
Usage: python3 py_stall.py [CERT KEY]"""
import socket
import ssl
import sys
import time

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print("ready", s.getsockname()[1], flush=True)
if len(sys.argv) == 3:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])
    s = ctx.wrap_socket(s, server_side=True)
conn, _ = s.accept()
while True:
    time.sleep(60)
