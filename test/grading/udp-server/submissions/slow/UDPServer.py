# Mistake: takes 30 s to answer (a sleep left in from debugging).
import sys, time
from socket import *
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(('', int(sys.argv[1])))
print("The server is ready to receive")
while True:
    message, clientAddress = serverSocket.recvfrom(2048)
    time.sleep(30)
    serverSocket.sendto(message.decode().upper().encode(), clientAddress)
