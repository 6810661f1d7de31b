# A server that ends every connection the moment it accepts it: with a reset (SO_LINGER 0, then close)
# or with a FIN (close). It reads nothing and sends nothing.
#   python3 AcceptThenEnd.py reset|fin        listen on 127.0.0.1:0, print the port, accept until killed
#   python3 AcceptThenEnd.py reset|fin N      instead run N python3 clients against itself and print, for
#                                             each, what connect did and the calls after the peer's end
#                                             came (the even ones recv, recv, send; the odd ones send,
#                                             recv, send)
import select, socket, struct, sys, threading

how = sys.argv[1]
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(('127.0.0.1', 0))
listener.listen(16)


def serve():
    while True:
        s, _ = listener.accept()
        if how == 'reset':
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.close()


def outcome(call):
    try:
        return repr(call())
    except OSError as e:
        return type(e).__name__


threading.Thread(target=serve, daemon=True).start()
if len(sys.argv) > 2:
    for i in range(int(sys.argv[2])):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.connect(listener.getsockname())  # raises if the connect fails
        local = c.getsockname()
        select.select([c], [], [], 30)  # until the reset (or the FIN) has come
        first = (lambda: c.recv(10)) if i % 2 == 0 else (lambda: c.send(b'x'))
        said = [outcome(first), outcome(lambda: c.recv(10)), outcome(lambda: c.send(b'x'))]
        print('connected', *said, c.getsockname() == local, flush=True)
        c.close()
else:
    print(listener.getsockname()[1], flush=True)
    threading.Event().wait()
