# The memory measurement's Python server: accept COUNT connections and keep every one open.
#   python3 py_hold.py PORT COUNT    prints "The server is ready to receive", then "holding" at COUNT
#                                    connections and "holding twice" at twice as many
import sys, time
from socket import *

port, count = int(sys.argv[1]), int(sys.argv[2])
serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
serverSocket.bind(('127.0.0.1', port))
serverSocket.listen(1024)
print('The server is ready to receive', flush=True)
held = []
for i in range(2 * count):
    connectionSocket, addr = serverSocket.accept()
    held.append((connectionSocket, addr))
    if len(held) == count:
        print('holding', flush=True)
print('holding twice', flush=True)
time.sleep(600)
