# UDP pinger client (K&R ch. 2 lab), the reference: three pings, a 1 s timeout each, the timeout caught; port from argv.
import sys, time
from socket import *
serverPort = int(sys.argv[1])
clientSocket = socket(AF_INET, SOCK_DGRAM)
clientSocket.settimeout(1)
for seq in range(1, 4):
    sent = time.time()
    clientSocket.sendto(f'Ping {seq} {sent}'.encode(), ('localhost', serverPort))
    try:
        reply, server = clientSocket.recvfrom(1024)
        print(f'Reply {seq}: {reply.decode()} RTT {time.time() - sent:.6f} s')
    except timeout:
        print(f'Ping {seq}: Request timed out')
clientSocket.close()
