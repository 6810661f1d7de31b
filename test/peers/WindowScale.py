"""For sockshell's buffer-size test: accepts clients on 127.0.0.1 and, for each, prints the window
scale its SYN offered (tcpi_snd_wscale of the accepted socket, from TCP_INFO). With "client PORT
[RCVBUF]" instead, connects to PORT as Python does, setting SO_RCVBUF first when given.
Usage: python3 WindowScale.py  (prints "PORT ready")  |  python3 WindowScale.py client PORT [RCVBUF]"""
import socket
import sys

if sys.argv[1:2] == ["client"]:
    c = socket.socket()
    if len(sys.argv) > 3:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(sys.argv[3]))
    c.connect(("127.0.0.1", int(sys.argv[2])))
    print(c.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    c.close()
    sys.exit(0)
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], "ready", flush=True)
for _ in range(20):
    conn, _ = s.accept()
    info = conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    # struct tcp_info: byte 6 holds tcpi_snd_wscale (low 4 bits) and tcpi_rcv_wscale (high 4 bits).
    print("wscale", info[6] & 0x0F, flush=True)
    conn.close()
