"""A burst of UDP clients at once, as the issue measured it: CLIENTS threads, each the textbook's
UDPClient (sendto one datagram to 127.0.0.1:PORT, then recvfrom the reply), started together and
released at one barrier. A reply that does not come within WAIT seconds counts as lost. Prints
`answered N of CLIENTS FRACTION`. A server that reads slowly loses datagrams to a full receive
buffer (netstat's RcvbufErrors): the bench's udp-burst row (issue 14)."""
import socket
import sys
import threading

port = int(sys.argv[1])
clients = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
wait = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
threading.stack_size(256 * 1024)

barrier = threading.Barrier(clients + 1)
answered = []


def client(i):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(wait)
    message = b'client %d' % i
    barrier.wait()
    s.sendto(message, ('127.0.0.1', port))
    try:
        reply, _ = s.recvfrom(2048)
        if reply == message.upper():
            answered.append(i)
    except socket.timeout:
        pass
    s.close()


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in threads:
    t.start()
print('start', flush=True)
barrier.wait()
for t in threads:
    t.join()
print('answered %d of %d %.4f' % (len(answered), clients, len(answered) / clients), flush=True)
