# What Linux tells a Python client about a TCP connection its peer ended, one step per line, each as
# "call outcome" (a value, or the exception's class name), for test/send-refused.test.ts to hold the
# shell's answers against:
#   python3 AfterReset.py PEER STEPS...
# PEER is what the peer does first, comma-separated: "send bye", "close" (FIN), "reset" (SO_LINGER 0).
# STEPS: "send" (10 bytes), "recv" (recv(100)), "shutdown wr|rd|rdwr", or "waiting-recv": a thread
# blocked in recv before the peer acts, whose outcome is printed after the other steps.
import socket, struct, sys, threading, time

peer_steps, steps = sys.argv[1].split(','), sys.argv[2:]
server = socket.socket()
server.bind(('127.0.0.1', 0))
server.listen(1)
client = socket.create_connection(server.getsockname())
client.settimeout(5)  # bounded: a step that would wait for ever fails instead
peer, _ = server.accept()


def outcome(call, f):
    try:
        result = f()
        return f'{call} {result!r}' if result is not None else f'{call} ok'
    except OSError as e:
        return f'{call} {type(e).__name__}'


waiting = []
if steps[0] == 'waiting-recv':
    steps = steps[1:]
    thread = threading.Thread(target=lambda: waiting.append(outcome('recv', lambda: client.recv(100))))
    thread.start()
    time.sleep(0.1)  # the thread is blocked in recv before the peer acts (bounded: it ends at the peer's act)
for step in peer_steps:
    if step.startswith('send '):
        peer.sendall(step[5:].encode())
    elif step == 'reset':
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        peer.close()
    elif step == 'close':
        peer.close()
time.sleep(0.1)  # the peer's segments are in (loopback)
HOW = {'wr': socket.SHUT_WR, 'rd': socket.SHUT_RD, 'rdwr': socket.SHUT_RDWR}
for step in steps:
    call, _, arg = step.partition(' ')
    if call == 'send':
        print(outcome('send', lambda: client.send(b'x' * 10)))
        time.sleep(0.05)  # the peer's answer (a reset) is in before the next step
    elif call == 'recv':
        print(outcome('recv', lambda: client.recv(100)))
    elif call == 'shutdown':
        print(outcome('shutdown', lambda: client.shutdown(HOW[arg])))
if waiting or steps != sys.argv[2:]:
    thread.join(5)
    print(waiting[0] if waiting else 'recv still waiting')
