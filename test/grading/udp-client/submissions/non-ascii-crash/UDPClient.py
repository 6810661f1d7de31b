# Mistake: encodes as ASCII, so a line with é in it ends the client with UnicodeEncodeError.
import sys
from socket import *
clientSocket = socket(AF_INET, SOCK_DGRAM)
message = input('Input lowercase sentence:')
clientSocket.sendto(message.encode('ascii'), ('localhost', int(sys.argv[1])))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
