# What the kernel says of a connection right after Python's shutdown(SHUT_WR) returns: this end's
# state and the peer's, read from /proc/net/tcp at once (no wait, no other call between).
import socket

# FIN_WAIT1 and 2 as one: the FIN has left; when the peer's kernel acknowledges it is its own timing.
STATES = {'01': 'ESTABLISHED', '04': 'FIN_WAIT', '05': 'FIN_WAIT', '08': 'CLOSE_WAIT'}


def state(local, remote):
    with open('/proc/net/tcp') as f:
        for row in f.readlines()[1:]:
            fields = row.split()
            lport = int(fields[1].split(':')[1], 16)
            rport = int(fields[2].split(':')[1], 16)
            if lport == local[1] and rport == remote[1]:
                return STATES.get(fields[3], fields[3])
    return 'gone'


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(('127.0.0.1', 0))
listener.listen(1)
client = socket.create_connection(listener.getsockname())
conn, _ = listener.accept()
client.shutdown(socket.SHUT_WR)
print(state(client.getsockname(), listener.getsockname()), state(listener.getsockname(), client.getsockname()))
conn.close()
client.close()
listener.close()
