"""A TLS client in Python's ssl module, for sockshell's TLS tests: connects, sends one line, prints
the reply. Usage: python3 TlsClient.py PORT CAFILE|- LINE ('-': the system's authorities)."""
import socket
import ssl
import sys

port, cafile, line = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=None if cafile == "-" else cafile)
try:
    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost") as s:
        s.sendall(line.encode() + b"\n")
        print("reply", s.recv(100), s.version(), flush=True)
except ssl.SSLError as e:
    print("failed", e.reason, flush=True)
