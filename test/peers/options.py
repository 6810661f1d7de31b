"""What Linux answers to setsockopt for each option on a UDP and a TCP socket, as Python sees it
(an IPv6 option on an IPv6 socket).

Prints one JSON object: {"udp": {"SO_REUSEADDR": "ok" | "EINVAL" ...}, "tcp": {...}}, and with
--buffers, what getsockopt(SO_RCVBUF) and getsockopt(SO_SNDBUF) report after setting 65536 on a TCP
socket. test/socket-options.test.ts compares sockshell's option table with it.
"""
import errno
import json
import struct
import sys
from socket import *

GROUP = inet_aton('224.1.1.7') + inet_aton('127.0.0.1')
GROUP6 = inet_pton(AF_INET6, 'ff02::1:3') + struct.pack('@I', 0)
VALUES = {
    'SO_REUSEADDR': (SOL_SOCKET, SO_REUSEADDR, 1),
    'SO_BROADCAST': (SOL_SOCKET, SO_BROADCAST, 1),
    'SO_KEEPALIVE': (SOL_SOCKET, SO_KEEPALIVE, 1),
    'TCP_NODELAY': (IPPROTO_TCP, TCP_NODELAY, 1),
    'SO_RCVBUF': (SOL_SOCKET, SO_RCVBUF, 65536),
    'SO_SNDBUF': (SOL_SOCKET, SO_SNDBUF, 65536),
    'SO_LINGER': (SOL_SOCKET, SO_LINGER, struct.pack('ii', 1, 0)),
    'IP_MULTICAST_TTL': (IPPROTO_IP, IP_MULTICAST_TTL, 2),
    'IP_MULTICAST_LOOP': (IPPROTO_IP, IP_MULTICAST_LOOP, 1),
    'IP_MULTICAST_IF': (IPPROTO_IP, IP_MULTICAST_IF, inet_aton('127.0.0.1')),
    'IP_ADD_MEMBERSHIP': (IPPROTO_IP, IP_ADD_MEMBERSHIP, GROUP),
    'IP_DROP_MEMBERSHIP': (IPPROTO_IP, IP_DROP_MEMBERSHIP, GROUP),
    'IPV6_MULTICAST_HOPS': (IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 2),
    'IPV6_MULTICAST_LOOP': (IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1),
    'IPV6_MULTICAST_IF': (IPPROTO_IPV6, IPV6_MULTICAST_IF, 1),
    'IPV6_JOIN_GROUP': (IPPROTO_IPV6, IPV6_JOIN_GROUP, GROUP6),
    'IPV6_LEAVE_GROUP': (IPPROTO_IPV6, IPV6_LEAVE_GROUP, GROUP6),
}


def answer(kind, name):
    level, option, value = VALUES[name]
    s = socket(AF_INET6 if level == IPPROTO_IPV6 else AF_INET, kind)  # an IPv6 option on an IPv6 socket
    try:
        if name == 'IP_DROP_MEMBERSHIP' and kind == SOCK_DGRAM:
            s.setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP, GROUP)  # leave a group it joined
        if name == 'IPV6_LEAVE_GROUP' and kind == SOCK_DGRAM:
            s.setsockopt(IPPROTO_IPV6, IPV6_JOIN_GROUP, GROUP6)
        s.setsockopt(level, option, value)
        return 'ok'
    except OSError as e:
        return errno.errorcode[e.errno]
    finally:
        s.close()


if '--buffers' in sys.argv:
    s = socket(AF_INET, SOCK_STREAM)
    s.setsockopt(SOL_SOCKET, SO_RCVBUF, 65536)
    s.setsockopt(SOL_SOCKET, SO_SNDBUF, 65536)
    print(json.dumps({'SO_RCVBUF': s.getsockopt(SOL_SOCKET, SO_RCVBUF), 'SO_SNDBUF': s.getsockopt(SOL_SOCKET, SO_SNDBUF)}))
else:
    print(json.dumps({t: {n: answer(k, n) for n in VALUES} for t, k in (('udp', SOCK_DGRAM), ('tcp', SOCK_STREAM))}))
