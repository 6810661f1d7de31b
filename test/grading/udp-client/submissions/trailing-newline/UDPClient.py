# Mistake: sends the line with a newline at its end.
import sys
from socket import *
clientSocket = socket(AF_INET, SOCK_DGRAM)
message = input('Input lowercase sentence:')
clientSocket.sendto((message + '\n').encode(), ('localhost', int(sys.argv[1])))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
