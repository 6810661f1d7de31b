# The textbook's UDPClient.py (Kurose & Ross §2.7); the port may be given as argv[1] for tests.
import sys
from socket import *
serverName = 'localhost'
serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
clientSocket = socket(AF_INET, SOCK_DGRAM)
message = input('Input lowercase sentence:')
clientSocket.sendto(message.encode(), (serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
