# A peer that sends data after the shell shut its connection down both ways, and says what its own
# socket calls met, as the textbook's Python sees them.
#   python3 AfterShutRd.py    listen on 127.0.0.1:0 and print the port; accept one connection; print
#                             what recv returns (b'' at the shell's FIN); send b'hello' and print the
#                             count; then, on a line on stdin, send again and print what that met.
import socket, sys

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(('127.0.0.1', 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
s, _ = listener.accept()
print(repr(s.recv(100)), flush=True)
print(s.send(b'hello'), flush=True)
sys.stdin.readline()
try:
    print(s.send(b'x'), flush=True)
except OSError as e:
    print(type(e).__name__, flush=True)
