"""Python's side of the sendall memory measurement: sendall of SIZE bytes to a peer that never reads
(over TLS when the last argument is tls), under settimeout(SECONDS); prints how it ended.
Usage: python3 py_sendall.py PORT SIZE SECONDS tcp|tls"""
import socket
import ssl
import sys

port, size, seconds, kind = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
data = bytes(size)
s = socket.create_connection(("127.0.0.1", port))
if kind == "tls":
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s)
s.settimeout(seconds)
try:
    s.sendall(data)
    print("sent all")
except TimeoutError:
    print("timed out")
