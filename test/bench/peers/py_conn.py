# COUNT sequential textbook TCPClient connections (connect, send, recv, close) against PORT.
# python3 py_conn.py PORT COUNT [WARMUP]
# Prints "start" after WARMUP clients (default 1) have warmed the server up, "done", then "latency P50 P99 MAX" in milliseconds.
import math, sys, time
from socket import *

port, count = int(sys.argv[1]), int(sys.argv[2])
warmup = max(1, int(sys.argv[3])) if len(sys.argv) > 3 else 1

def once():
    clientSocket = socket(AF_INET, SOCK_STREAM)
    clientSocket.settimeout(5)
    clientSocket.connect(('127.0.0.1', port))
    clientSocket.send('hello sockshell'.encode())
    modifiedSentence = clientSocket.recv(1024)
    assert modifiedSentence == b'HELLO SOCKSHELL', modifiedSentence
    clientSocket.close()

for i in range(warmup):
    once()
print('start', flush=True)
latencies = []
for i in range(count):
    began = time.perf_counter()
    once()
    latencies.append((time.perf_counter() - began) * 1000)
print('done', flush=True)
latencies.sort()
at = lambda p: latencies[min(len(latencies) - 1, math.ceil(p * len(latencies)) - 1)]
print('latency %.3f %.3f %.3f' % (at(0.5), at(0.99), at(1)), flush=True)
