"""A TLS server in Python's ssl module, for sockshell's TLS tests: for each client, read one line,
send it back upper-cased, then wait for the client's end of stream and report it. A client whose
handshake fails is reported (Python's accept raises ssl.SSLError) and the next one is served.
Usage: python3 TlsEchoServer.py CERT KEY; prints "PORT ready" once listening on 127.0.0.1."""
import socket
import ssl
import sys

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen()
print(listener.getsockname()[1], "ready", flush=True)
with ctx.wrap_socket(listener, server_side=True) as server:
    for _ in range(20):
        try:
            conn, addr = server.accept()
        except (ssl.SSLError, OSError) as e:
            print("handshake failed:", getattr(e, "reason", e), flush=True)
            continue
        with conn:
            line = conn.makefile("rb").readline()
            conn.sendall(line.upper())
            rest = conn.recv(100)
            print("served", conn.version(), line, "then", rest, flush=True)
