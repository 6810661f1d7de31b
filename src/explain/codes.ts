import type { ErrorCode } from '../engine/index.js';

/**
 * The part of a code's paragraph about Unix domain sockets, where it has one of its own: `explain`
 * after an error on an IP socket leaves it out (a UDP server's port in use is no file to remove).
 */
export const UNIX_PARTS = {
  EADDRINUSE:
    "A Unix domain socket's address is a path instead: its bind fails while any file is there, even the socket file of a server that ended, which Python's close leaves behind. If no server runs there, remove the file (rm PATH; in Python, os.unlink(PATH) before bind); closing a unix.listen socket removes its file.",
  ENOENT:
    "For a Unix domain socket (unix.connect PATH) the path is the server's socket file, which its bind creates: start the server first.",
} as const satisfies Partial<Record<ErrorCode, string>>;

/**
 * `explain CODE`: a paragraph for every code a socket error can carry, keyed by the engine's own
 * codes. A code added to the engine's table does not compile until it has its paragraph here.
 */
export const CODE_PARAGRAPHS = {
  ECONNREFUSED:
    'Nothing is listening on that address and port. For TCP, connect sends a SYN to start the three-way handshake; with no welcoming socket on that port, the other host\'s OS answers with a reset and connect fails at once. This is the chapter\'s question "what happens if you run TCPClient before TCPServer?". Start the server first, and check that client and server use the same port. A UDP client run before its server does not fail at sendto: UDP is connectionless and checks nothing; the datagram is simply lost and recvfrom waits. Only a connected UDP socket hears about it, as ICMP "port unreachable" on its next call.',
  EADDRINUSE:
    "Another socket on this host already has that port. A port number picks one process's socket on a host, so two servers cannot both bind it. Maybe the server is still running (in another terminal, or as a job: see jobs and sockets), or a server that just stopped left connections in TIME_WAIT. Stop the other one, pick another port, or set SO_REUSEADDR before bind so a restarted server can take the port back. (sockshell's TCP sockets always set it, as Node does; connections left in TIME_WAIT by a server that did not, a Python one say, still hold the port until they end, and the error says so.)" +
    ` ${UNIX_PARTS.EADDRINUSE}`,
  EACCES:
    "Ports below 1024 are the well-known ports (80 for HTTP, 53 for DNS...) and binding them needs privileges. The chapter's advice: a new application should avoid them; the textbook's programs use 12000. Pick a port above 1023. (Sending to a broadcast address also needs permission: setsockopt SO_BROADCAST 1 first.)",
  ENOTFOUND:
    "The host name did not turn into an IP address. A packet's destination is an IP address plus a port; a name like localhost or a server's name is looked up (DNS, or /etc/hosts) first, in the socket's own address family, as Python does. Check the spelling, or give the IP address itself, as in 127.0.0.1.",
  ETIMEDOUT:
    'The call waited as long as settimeout allows and nothing came. The socket is still open and usable: call again, or wait longer. With UDP, a missing reply may mean the request or the reply was lost (UDP makes no delivery guarantee), or that no server runs there.',
  EAGAIN:
    'The socket is non-blocking (settimeout 0): a call that would have to wait fails at once instead. Nothing was lost; try again when data has arrived, or set a timeout.',
  ENOTCONN:
    "That call needs a connected socket. TCP needs a handshake before any data: the client calls connect, the server's accept returns a new connection socket, and data flows between those two connection sockets. A listening (welcoming) socket never carries data itself. A UDP socket is connected once connect gave it a default peer (no packet goes): send and getpeername need that, and so does shutdown, which on UDP sends nothing and only marks the socket; Linux marks it even when it refuses (ENOTCONN): after wr its sends raise BrokenPipeError, after rd a receive that would wait for ever returns b'', and sockets shows the mark.",
  EPIPE:
    "A broken pipe: the socket can't send any more. Most often the peer closed the connection, or reset it, and the data has nowhere to go; recv still returns what arrived before, then b''. It also happens after shutdown wr on this side, and on a TCP socket that was never connected (send uses the connection's address, and there is none; for UDP, use sendto with an address). Close the socket; a new conversation needs a new connection.",
  EDESTADDRREQ:
    "send has no address: it uses the connection's. An unconnected UDP socket must name the destination of each datagram with sendto DATA HOST PORT (Python: sendto(data, (host, port))); the OS adds the source address itself.",
  EOPNOTSUPP:
    'That call does not exist for this kind of socket. UDP is connectionless: there is no handshake, so nothing to listen for or accept; a UDP server just binds and calls recvfrom, and replies to the address recvfrom returns. TCP sockets send on their connection instead of with sendto.',
  ECONNRESET:
    'The peer reset the connection: it closed with data still unread (a crash closes so too) or aborted with SO_LINGER 0, and its OS sent a reset instead of a FIN. Data in flight is gone. Close this socket; a client can connect again.',
  EMSGSIZE:
    'The datagram is too big to send in one piece: over IPv4 a UDP datagram carries at most 65,507 bytes. Send less per datagram, or use TCP, which is a byte stream and has no such limit.',
  EBADF: 'The socket is closed. Once closed, a socket can do nothing more; create a new one.',
  EISCONN:
    'The socket is already connected (or listening). A TCP socket makes one connection; for another, create another socket. A server keeps one welcoming socket and gets a new connection socket from each accept.',
  EINVAL:
    "An argument, or the socket's state, does not fit this call: a port outside 0–65535, a size or value out of range, an option the socket does not take; or a call out of its order: a second bind, accept on a socket that never called listen (a TCP server calls bind, then listen, then accept), listen on a connected socket.",
  EADDRNOTAVAIL:
    "That address is not one of this host's. A socket can only bind to an address the host has: '' (every interface), 127.0.0.1 (loopback) or one of its own interfaces.",
  EMFILE:
    'The process has used up its file descriptors. Every socket takes one (a welcoming socket, each connection accept returned, each UDP socket), and so does every open file; the OS caps how many one process may hold (ulimit -n, often 1024). Python raises OSError [Errno 24] Too many open files. Close the sockets you are done with (sockets lists them; a server must close each connection socket when its client is served), or raise the limit with ulimit -n before starting the shell.',
  EBUSY:
    'A blocking call is already waiting on this socket (perhaps in a background job). One socket, one waiting call: wait for it, or stop it.',
  EAI_AGAIN:
    "The name lookup could not be done just now: the name server (DNS) did not answer, or answered 'try again later'. That says nothing against the name itself. Check this host's network and its resolver (/etc/resolv.conf), try again, or skip the lookup by giving the IP address, as in 127.0.0.1. Python raises socket.gaierror, as for a name that does not exist.",
  EAI_FAMILY:
    "The address is of the other family than the socket. A socket is made for one address family, AF_INET (IPv4: 127.0.0.1) or AF_INET6 (IPv6: ::1), and binds, connects and sends only to addresses of that family. Give an address of the socket's family, or make an IPv6 socket with -6 (udp.socket -6, tcp.socket -6); the shortcuts udp.bind, tcp.listen and tcp.connect choose the family from the address themselves.",
  EINTR:
    'The call was cut short while it waited: Ctrl-C, or a job that was killed. Nothing is broken: the socket stays open and keeps whatever had arrived, and the next call picks up from there. Python raises KeyboardInterrupt for Ctrl-C.',
  ENOPROTOOPT:
    "The protocol has no such option: Linux answers setsockopt(IPPROTO_TCP, TCP_NODELAY) on a UDP socket this way, as Nagle's algorithm is TCP's, and getsockopt of IP_ADD_MEMBERSHIP too, as joining is something you do, not a setting to read. Set it on a socket of the right kind, or leave it out: the defaults serve the chapter's programs.",
  EPROTO:
    'A protocol error: Linux answers IP_ADD_MEMBERSHIP and IP_DROP_MEMBERSHIP on a TCP socket this way. A multicast group is joined by a UDP socket (udp.bind the port, then setsockopt IP_ADD_MEMBERSHIP GROUP), since TCP connects exactly two hosts.',
  ENOENT:
    'There is no file or directory at that path. sendfile reads the file it names; recvfile creates the file it names, but not the directories above it. A relative path starts from the directory sockshell was started in: check the spelling, or give the whole path.' +
    ` ${UNIX_PARTS.ENOENT}`,
  EISDIR:
    'The path names a directory, not a file: sendfile sends the bytes of a file, and recvfile writes into one. Give the path of a file.',
  ECONNABORTED:
    'The connection was aborted on this host: most often the client gave up (closed or reset) while its connection still waited in the accept queue, or this host dropped it. Data in flight is gone. Close this socket; a server goes on with accept, and a client can connect again.',
  EHOSTUNREACH:
    "No route to that host: this host, or a router on the way, could not deliver to the address (an ICMP 'host unreachable' came back, or no host on the local network answered for it). The host may be down, or the address wrong: check it. 127.0.0.1, this host itself, is always reachable.",
  ENETUNREACH:
    "No route to that network: this host has no route that leads to the address, often because it has no network connection or no default gateway, or because the address (an IPv6 one, say) belongs to a network it cannot reach. Check the address and this host's network; 127.0.0.1 needs none.",
  ENODEV:
    "No such device: the call named a network interface this host does not have. For IPv6 a link-local address (fe80::...) needs one, written after % or as Python's scope_id (('fe80::1', 5000, 0, 2)): bind fails with ENODEV when that number is no interface's, and connect or sendto with ENETUNREACH. ip link (or the error) lists this host's interfaces and their numbers.",
  ENOSPC:
    'The file system had no room for what was written: the disk (or the quota) is full, or the file is a device that takes nothing, such as /dev/full. What was written before stays in the file, and the error says how much. Free some space, or write somewhere else, and receive again.',
  CERTIFICATE_VERIFY_FAILED:
    "The server's certificate did not pass the client's checks, so the connection was closed before any data went. A TLS client checks two things: that an authority it trusts (the system's list, or the file given with --ca) signed the certificate, within its dates, and that the certificate is for the name the client asked for (the host, or --servername). The error names the check that failed: DEPTH_ZERO_SELF_SIGNED_CERT is a certificate that signed itself, as test servers' often are; ERR_TLS_CERT_ALTNAME_INVALID is a certificate for another name. Without these checks anyone on the path could pretend to be the server. To trust a certificate you made, give it with --ca FILE (Python: create_default_context(cafile=FILE)); to skip the checks on purpose, for a test server only, use --insecure (Python: ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE): the connection is still encrypted, but to whoever answered.",
  SSL_ERROR:
    "The TLS handshake broke off: the two ends did not agree on how to talk securely, so no data went. Common causes: the other end does not speak TLS at all (a plain TCP server on that port answers with bytes that are not TLS: 'wrong version number'), the other end refused our certificate or authority with an alert (UNKNOWN_CA: it does not trust a self-signed certificate), or no TLS version or cipher suits both. Python raises ssl.SSLError with the same OpenSSL reason. Check the port, that the server was started with TLS, and the certificate it is given.",
} as const satisfies Record<ErrorCode, string>;
