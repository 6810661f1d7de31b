# Mistake: replies to the first client's address, whoever sent the datagram.
import sys
from socket import *
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('', int(sys.argv[1])))
print("The server is ready to receive")
first = None
while True:
    message, clientAddress = serverSocket.recvfrom(2048)
    first = first or clientAddress
    serverSocket.sendto(message.decode().upper().encode(), first)
