# Python peers for the bulk measurement, the Python the shell's sendfile and recvfile stand for:
#   python3 py_bulk.py recv PORT OUT    accept one connection; while data := recv(65536): write it to OUT
#   python3 py_bulk.py send PORT FILE   connect, print "start", socket.sendfile(FILE) (os.sendfile), close
import sys
from socket import *

mode, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]

if mode == 'recv':
    serverSocket = socket(AF_INET, SOCK_STREAM)
    serverSocket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    serverSocket.bind(('127.0.0.1', port))
    serverSocket.listen(1)
    print('The server is ready to receive', flush=True)
    connectionSocket, addr = serverSocket.accept()
    with open(path, 'wb') as f:
        while data := connectionSocket.recv(65536):
            f.write(data)
    connectionSocket.close()
elif mode == 'send':
    clientSocket = socket(AF_INET, SOCK_STREAM)
    clientSocket.connect(('127.0.0.1', port))
    print('start', flush=True)
    with open(path, 'rb') as f:
        clientSocket.sendfile(f)
    clientSocket.close()
else:
    sys.exit('usage: py_bulk.py recv PORT OUT | send PORT FILE')
