# Mistake: no loop, so it serves one datagram and exits.
import sys
from socket import *
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('', int(sys.argv[1])))
print("The server is ready to receive")
message, clientAddress = serverSocket.recvfrom(2048)
serverSocket.sendto(message.decode().upper().encode(), clientAddress)
