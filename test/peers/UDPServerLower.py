# A wrong UDPServer for grading tests: it lower-cases instead of upper-casing.
import sys
from socket import *
serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('', serverPort))
print("The server is ready to receive", flush=True)
while True:
    message, clientAddress = serverSocket.recvfrom(2048)
    modifiedMessage = message.decode().lower()
    serverSocket.sendto(modifiedMessage.encode(), clientAddress)
