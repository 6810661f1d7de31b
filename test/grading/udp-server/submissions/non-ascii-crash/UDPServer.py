# Mistake: decodes as ASCII, so a datagram with é in it ends the server with UnicodeDecodeError.
import sys
from socket import *
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('', int(sys.argv[1])))
print("The server is ready to receive")
while True:
    message, clientAddress = serverSocket.recvfrom(2048)
    serverSocket.sendto(message.decode('ascii').upper().encode(), clientAddress)
