# A peer that sends NBYTES and then ends the connection with a reset (SO_LINGER 0) or a FIN (close).
#   python3 ResetPeer.py reset|fin connect PORT NBYTES   connect to 127.0.0.1:PORT, send, end; print "done"
#   python3 ResetPeer.py reset|fin accept NBYTES         listen on 127.0.0.1:0 and print the port, accept
#                                                       one connection, read until its FIN, send, end
import socket, struct, sys

how, role = sys.argv[1], sys.argv[2]
if role == 'connect':
    port, nbytes = int(sys.argv[3]), int(sys.argv[4])
    s = socket.create_connection(('127.0.0.1', port))
else:
    nbytes = int(sys.argv[3])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)
    print(listener.getsockname()[1], flush=True)
    s, _ = listener.accept()
    while s.recv(65536):
        pass
s.sendall(b'x' * nbytes)
if how == 'reset':
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()
print('done', flush=True)
