# An AF_UNIX stream peer that does one step per line read from stdin, and prints what each step
# returned as Python saw it (a value, or the exception's class name), one line each:
#   python3 UnixPeer.py listen PATH    bind and listen at PATH, print "ready", accept one connection
#   python3 UnixPeer.py connect PATH   connect to PATH, print "ready"
# Steps: "send DATA" (send, prints the count), "recv" (recv(100)), "peek" (waits until bytes are in
# the receive queue and prints them, leaving them unread), "queued" (the bytes in its receive queue,
# FIONREAD), "close", "touch FILE" (creates FILE, for a
# test that waits on it with its event loop blocked), "wait FILE" (until FILE exists). Each line
# printed is the step's name, then its outcome: "recv b'bye'", "recv ConnectionResetError".
import fcntl, os, socket, struct, sys, termios, time

role, path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
if role == 'listen':
    s.bind(path)
    s.listen()
    print('ready', flush=True)
    s, _ = s.accept()
else:
    s.connect(path)
    print('ready', flush=True)

for line in sys.stdin:
    step, _, arg = line.strip().partition(' ')
    try:
        if step == 'send':
            result = s.send(arg.encode())
        elif step == 'recv':
            result = s.recv(100)
        elif step == 'peek':
            result = s.recv(100, socket.MSG_PEEK)
        elif step == 'queued':
            result = struct.unpack('i', fcntl.ioctl(s, termios.FIONREAD, b'\0\0\0\0'))[0]
        elif step == 'close':
            result = s.close()
        elif step == 'touch':
            result = open(arg, 'w').close()
        elif step == 'wait':
            # The test that waits on this is bounded: it kills this process when it gives up.
            while not os.path.exists(arg):
                time.sleep(0.005)
            result = None
        else:
            result = f'unknown step {step!r}'
        print(step, repr(result), flush=True)
    except OSError as e:
        print(step, type(e).__name__, flush=True)
