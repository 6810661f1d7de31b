# The textbook's TCPClient.py (Kurose & Ross §2.7); the port may be given as argv[1] for tests.
import sys
from socket import *
serverName = 'localhost'
serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.connect((serverName, serverPort))
sentence = input('Input lowercase sentence:')
clientSocket.send(sentence.encode())
modifiedSentence = clientSocket.recv(1024)
print('From Server: ', modifiedSentence.decode())
clientSocket.close()
