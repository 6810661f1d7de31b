# Mistake: the server's port is written into the program (21214, the transcripts'), not taken from its arguments.
from socket import *
clientSocket = socket(AF_INET, SOCK_DGRAM)
clientSocket.settimeout(30)
message = input('Input lowercase sentence:')
clientSocket.sendto(message.encode(), ('localhost', 21214))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
