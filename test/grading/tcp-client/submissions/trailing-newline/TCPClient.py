# Mistake: sends the line with a newline at its end.
import sys
from socket import *
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.connect(('localhost', int(sys.argv[1])))
sentence = input('Input lowercase sentence:')
clientSocket.send((sentence + '\n').encode())
print('From Server: ', clientSocket.recv(1024).decode())
clientSocket.close()
