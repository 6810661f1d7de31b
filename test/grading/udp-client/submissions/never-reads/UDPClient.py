# Mistake: never reads the reply; prints its own line upper-cased, as if the server had answered.
import sys
from socket import *
clientSocket = socket(AF_INET, SOCK_DGRAM)
message = input('Input lowercase sentence:')
clientSocket.sendto(message.encode(), ('localhost', int(sys.argv[1])))
print(message.upper())
clientSocket.close()
