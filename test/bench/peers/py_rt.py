# Python peers for the round-trip measurements, written as the textbook writes its programs:
#   python3 py_rt.py udp-client PORT COUNT [WARMUP]   COUNT sendto + recvfrom round trips (UDPClient.py in a loop)
#   python3 py_rt.py tcp-client PORT COUNT [WARMUP]   COUNT send + recv round trips on one connection
#   python3 py_rt.py tcp-server PORT         TCPServer.py, but each connection is served until it closes
# Clients print "start" after WARMUP round trips (default 1) and "done" after the loop; waits are bounded (5 s).
import sys
from socket import *

mode, port = sys.argv[1], int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
warmup = max(1, int(sys.argv[4])) if len(sys.argv) > 4 else 1
serverName = '127.0.0.1'
message = 'hello sockshell'.encode()

if mode == 'udp-client':
    clientSocket = socket(AF_INET, SOCK_DGRAM)
    clientSocket.settimeout(5)
    for i in range(count + warmup):
        if i == warmup:
            print('start', flush=True)
        clientSocket.sendto(message, (serverName, port))
        modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
    assert modifiedMessage == b'HELLO SOCKSHELL', modifiedMessage
    print('done', flush=True)
    clientSocket.close()
elif mode == 'tcp-client':
    clientSocket = socket(AF_INET, SOCK_STREAM)
    clientSocket.settimeout(5)
    clientSocket.connect((serverName, port))
    for i in range(count + warmup):
        if i == warmup:
            print('start', flush=True)
        clientSocket.send(message)
        modifiedSentence = clientSocket.recv(1024)
    assert modifiedSentence == b'HELLO SOCKSHELL', modifiedSentence
    print('done', flush=True)
    clientSocket.close()
elif mode == 'tcp-server':
    serverSocket = socket(AF_INET, SOCK_STREAM)
    serverSocket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    serverSocket.bind(('', port))
    serverSocket.listen(1)
    print('The server is ready to receive', flush=True)
    while True:
        connectionSocket, addr = serverSocket.accept()
        sentence = connectionSocket.recv(1024)
        while sentence:
            connectionSocket.send(sentence.decode().upper().encode())
            sentence = connectionSocket.recv(1024)
        connectionSocket.close()
else:
    sys.exit('usage: py_rt.py udp-client|tcp-client|tcp-server PORT [COUNT [WARMUP]]')
