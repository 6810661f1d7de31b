# What the native engine's way of waiting costs the kernel, measured with Python's socket module so
# that only the waiting differs (issue 16: "a wait without the poll"):
#   python3 py_wait_cost.py MODE PORT COUNT
# runs a UDP upper-casing server on 127.0.0.1:PORT for COUNT datagrams and prints its CPU time per
# round trip (user and system, from os.times, after the first 1,000). MODE is how it waits:
#   block   a blocking recvfrom, as UDPServer.py does (Python's two system calls a round trip)
#   poll1   poll() on the socket alone, then a non-blocking recvfrom
#   poll2   poll() on the socket and on an epoll descriptor that also watches it, then a non-blocking
#           recvfrom: what the addon does (its poll watches the event loop's epoll descriptor too, and
#           Node's dgram handle has the socket in that epoll set)
# test/bench/wait-cost.mjs runs the three against py_rt.py's client on one CPU and prints medians.
import os
import select
import sys
from socket import AF_INET, SOCK_DGRAM, socket

mode, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
WARM = 1000
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('127.0.0.1', port))
fd = serverSocket.fileno()
poller = None
if mode != 'block':
    serverSocket.setblocking(False)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if mode == 'poll2':
        loop = select.epoll()
        loop.register(fd, select.EPOLLIN)
        poller.register(loop.fileno(), select.POLLIN)
print('The server is ready to receive', flush=True)
before = None
for i in range(count):
    if i == WARM:
        before = os.times()
    if poller is not None:
        # The socket's own readiness ends the wait; the epoll descriptor's alone does not (250 ms slices, as the addon's).
        while not any(ready == fd for ready, _ in poller.poll(250)):
            pass
    message, clientAddress = serverSocket.recvfrom(2048)
    serverSocket.sendto(message.upper(), clientAddress)
after = os.times()
trips = count - WARM
print(f'{mode} user {(after.user - before.user) * 1e6 / trips:.2f} system {(after.system - before.system) * 1e6 / trips:.2f}', flush=True)
