# Mistake: no loop, so it serves one connection and exits.
import sys
from socket import *
serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.bind(('', int(sys.argv[1])))
serverSocket.listen(1)
print("The server is ready to receive")
connectionSocket, addr = serverSocket.accept()
connectionSocket.send(connectionSocket.recv(1024).decode().upper().encode())
connectionSocket.close()
