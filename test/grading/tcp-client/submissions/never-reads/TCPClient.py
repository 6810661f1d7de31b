# Mistake: sends, then prints its own line upper-cased instead of what the server sends back.
import sys
from socket import *
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.connect(('localhost', int(sys.argv[1])))
sentence = input('Input lowercase sentence:')
clientSocket.send(sentence.encode())
print('From Server: ', sentence.upper())
clientSocket.close()
