/*
 * sockshell's native fast path: the socket calls a blocking program makes, for sockets Node already
 * owns (their descriptors), called from the engine while nothing else needs the event loop.
 *
 * The one idea: a call waits in poll() on its socket *and* on the event loop's own descriptor
 * (uv_backend_fd), for at most as long as the loop may sleep (uv_backend_timeout) and never more than
 * a slice of 250 ms. It returns READY when its socket is ready, and LOOP as soon as anything else needs
 * the loop: another socket, a timer, a child's output, or a signal (Ctrl-C arrives on another thread
 * and reaches the loop through its signal pipe, which wakes the poll). The engine then falls back to
 * the event loop for that call, so the semantics stay the event-loop engine's.
 *
 * Errors are returned as negative errno values; errname() turns one into its code (ECONNREFUSED).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <node_api.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <linux/sockios.h>
#include <unistd.h>
#include <uv.h>

#define SLICE_MS 250
enum { SLICE = 0, READY = 1, LOOP = 2 };

#define CHECK(call)                                                                                        \
  do {                                                                                                     \
    if ((call) != napi_ok) return NULL;                                                                    \
  } while (0)

static napi_value number(napi_env env, double x) {
  napi_value v;
  CHECK(napi_create_double(env, x, &v));
  return v;
}

static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "sockshell native: wrong number of arguments");
    return 0;
  }
  return 1;
}

static int int_arg(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "sockshell native: expected a number");
    return 0;
  }
  return 1;
}

/* A string argument into out (size bytes, NUL-terminated; a longer one is cut, which no IP literal is). */
static int text_arg(napi_env env, napi_value v, char *out, size_t size) {
  size_t length;
  if (napi_get_value_string_utf8(env, v, out, size, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "sockshell native: expected a string");
    return 0;
  }
  return 1;
}

static int double_arg(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "sockshell native: expected a number");
    return 0;
  }
  return 1;
}

static int bytes_arg(napi_env env, napi_value v, char **data, size_t *length) {
  void *p;
  if (napi_get_buffer_info(env, v, &p, length) != napi_ok) {
    napi_throw_type_error(env, NULL, "sockshell native: expected a Buffer");
    return 0;
  }
  *data = p;
  return 1;
}

/*
 * How long the event loop may sleep (uv_backend_timeout), not counting handles that are only closing:
 * their close callbacks (a Node socket's 'close') can wait until the loop next runs. Counting them
 * handed every wait to the loop after a Node socket closed, and Node's server then accepted the next
 * connection itself, so one connection accepted by Node made every later one so (issue 16).
 */
static int loop_timeout(uv_loop_t *loop) {
  uv_handle_t *closing = loop->closing_handles;
  loop->closing_handles = NULL;
  int due = uv_backend_timeout(loop);
  loop->closing_handles = closing;
  return due;
}

/*
 * wait(fd, forWrite, maxMs) -> READY | SLICE | LOOP: waits until fd is readable (writable), for at
 * most maxMs, a slice and as long as the event loop may sleep (not at all when the loop has work
 * waiting: then it only looks). SLICE: the time passed and nothing happened (call again); LOOP:
 * something else needs the event loop now. wait_on is it in C.
 */
static int wait_on(napi_env env, int fd, int write, int max_ms) {
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return -EINVAL;
  /* The loop's clock is the one its last turn read; its timers are due by the time now. */
  uv_update_time(loop);
  int due = loop_timeout(loop); /* -1: no timer; 0: the loop has work waiting */
  int ms = max_ms < SLICE_MS ? max_ms : SLICE_MS;
  /* When the loop has work waiting (due 0), the poll only looks: what fd holds already is read at once,
     which keeps the loop waiting no longer than a read; else the loop has its turn. */
  int timer_first = due >= 0 && due <= ms;
  if (timer_first) ms = due;
  if (ms < 0) ms = 0;
  struct pollfd p[2] = {{fd, (short)(write ? POLLOUT : POLLIN | POLLRDHUP), 0}, {uv_backend_fd(loop), POLLIN, 0}};
  int n = poll(p, 2, ms);
  if (n < 0) return errno == EINTR ? LOOP : -errno;
  /* An error, a reset or the peer's FIN is the event loop's to read and tell: it knows how. */
  if (p[0].revents & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL)) return LOOP;
  if (p[0].revents != 0) return READY;
  if (n > 0 || timer_first) return LOOP;
  return SLICE;
}

static napi_value wait_fd(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, write, max_ms;
  if (!args(env, info, 3, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[1], &write) ||
      !int_arg(env, argv[2], &max_ms))
    return NULL;
  return number(env, wait_on(env, fd, write, max_ms));
}

/*
 * An address, for JS: [0] family (4 or 6), [1] the length of its text, [2..3] the port (network
 * order), [4..19] the raw address, [20..23] its IPv6 scope (sin6_scope_id, little-endian; 0 for IPv4),
 * [24..] its text as Node shows it: inet_ntop, and for a link-local IPv6 address with a scope
 * '%' and the interface's name (fe80::1%eth0; its number where it has no name), as Node's dgram and
 * net do. The scope is part of the raw bytes: fe80::1 on two interfaces is two hosts. JS compares the
 * raw bytes with the last sender's and reads the text only when they differ; so when the raw bytes
 * already in dst are the same, the text there (of an earlier call) is left as it is: inet_ntop formats
 * with sprintf, a cost a server answering one client paid on every datagram. dst must start zeroed.
 */
#define RAW_ADDRESS_BYTES 24
/* JS's ADDRESS_BYTES (native.ts): the raw bytes, then the longest text, '%' and an interface's name. */
#define ADDRESS_BYTES 88
_Static_assert(ADDRESS_BYTES >= RAW_ADDRESS_BYTES + INET6_ADDRSTRLEN + 1 + IF_NAMESIZE, "an address's text fits");
/* queuedpeers: 1 in a record's last byte (past any text) when it is tied with a neighbour (see queued_peers). */
#define TIED_BYTE (ADDRESS_BYTES - 1)
_Static_assert(TIED_BYTE >= RAW_ADDRESS_BYTES + INET6_ADDRSTRLEN + 1 + IF_NAMESIZE, "the tie mark is past the text");
static void put_address(char *dst, const struct sockaddr_storage *from) {
  char raw[RAW_ADDRESS_BYTES] = {0};
  const void *address = NULL;
  int family = 0;
  uint32_t scope = 0;
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)from;
    raw[0] = 4;
    memcpy(raw + 2, &a->sin_port, 2);
    memcpy(raw + 4, &a->sin_addr, 4);
    address = &a->sin_addr;
    family = AF_INET;
  } else if (from->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)from;
    raw[0] = 6;
    memcpy(raw + 2, &a->sin6_port, 2);
    memcpy(raw + 4, &a->sin6_addr, 16);
    if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr)) scope = a->sin6_scope_id;
    for (int b = 0; b < 4; b++) raw[20 + b] = (char)((scope >> (8 * b)) & 0xff);
    address = &a->sin6_addr;
    family = AF_INET6;
  }
  raw[1] = dst[1];
  if (address != NULL && dst[1] != 0 && memcmp(raw, dst, RAW_ADDRESS_BYTES) == 0) return;
  memcpy(dst, raw, RAW_ADDRESS_BYTES);
  char *text = dst + RAW_ADDRESS_BYTES;
  if (address == NULL || inet_ntop(family, address, text, INET6_ADDRSTRLEN) == NULL) {
    dst[1] = 0;
    return;
  }
  size_t length = strlen(text);
  if (scope != 0) {
    text[length++] = '%';
    if (if_indextoname(scope, text + length) == NULL) snprintf(text + length, IF_NAMESIZE, "%u", scope);
    length += strlen(text + length);
  }
  dst[1] = (char)length;
}

/* put_address into the Buffer out (ADDRESS_BYTES at least): 0 with a TypeError thrown when it is not one. */
static int fill_address(napi_env env, napi_value out, const struct sockaddr_storage *from) {
  char *dst;
  size_t length;
  if (!bytes_arg(env, out, &dst, &length) || length < ADDRESS_BYTES) {
    napi_throw_type_error(env, NULL, "sockshell native: the address buffer is too small");
    return 0;
  }
  put_address(dst, from);
  return 1;
}

/* The datagrams one recvmany call reads at most: JS's buffer holds this many slots of SLOT_BYTES. */
#define MANY 16
/* A slot holds the largest datagram (65,507 bytes over IPv4, 65,527 over IPv6): none is cut short. */
#define SLOT_BYTES 65536
/* Per datagram in meta: [0..3] its size (uint32, little-endian), then its sender (put_address). */
#define META_BYTES (4 + ADDRESS_BYTES)

/*
 * recvmany(fd, maxMs, max, buffer, meta) -> how many datagrams were read (1..max, max <= 16), 0 when none was, or
 * -errno (the socket's pending error: an ICMP port unreachable's ECONNREFUSED) when the first read
 * failed. maxMs >= 0: wait() first (for at most maxMs; 0 comes back when the wait ends without a
 * datagram: the wait goes on on the event loop); maxMs < 0: no wait. Then one recvmmsg(2) takes every
 * datagram the kernel holds, up to max and the slots buffer has (SLOT_BYTES each; datagram i in slot i), with
 * its size and sender into meta (META_BYTES each). One system call where a recvfrom per datagram and
 * one more to find the kernel empty took two for a round trip's one datagram.
 */
static napi_value recv_many(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd, max_ms, max;
  char *data, *meta;
  size_t length, meta_length;
  if (!args(env, info, 5, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[1], &max_ms) ||
      !int_arg(env, argv[2], &max) || !bytes_arg(env, argv[3], &data, &length) ||
      !bytes_arg(env, argv[4], &meta, &meta_length))
    return NULL;
  size_t slots = length / SLOT_BYTES;
  if (meta_length / META_BYTES < slots) slots = meta_length / META_BYTES;
  if (slots > MANY) slots = MANY;
  if (max < 0) max = 0;
  if ((size_t)max < slots) slots = (size_t)max;
  if (slots == 0) return number(env, -EINVAL);
  if (max_ms >= 0) {
    int w = wait_on(env, fd, 0, max_ms);
    if (w < 0) return number(env, w);
    if (w != READY) return number(env, 0);
  }
  struct mmsghdr messages[MANY];
  struct iovec vectors[MANY];
  struct sockaddr_storage senders[MANY];
  memset(messages, 0, sizeof messages);
  for (size_t i = 0; i < slots; i++) {
    vectors[i].iov_base = data + i * SLOT_BYTES;
    vectors[i].iov_len = SLOT_BYTES;
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &senders[i];
    messages[i].msg_hdr.msg_namelen = sizeof senders[i];
    senders[i].ss_family = AF_UNSPEC;
  }
  int n = recvmmsg(fd, messages, (unsigned)slots, MSG_DONTWAIT, NULL);
  if (n < 0) return number(env, errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno);
  for (int i = 0; i < n; i++) {
    char *slot = meta + (size_t)i * META_BYTES;
    uint32_t size = messages[i].msg_len;
    for (int b = 0; b < 4; b++) slot[b] = (char)((size >> (8 * b)) & 0xff);
    put_address(slot + 4, &senders[i]);
  }
  return number(env, n);
}

/*
 * host (an IPv4 or IPv6 literal) and port as a socket address in out: its length, or 0 for no literal
 * or a port outside 0..65535 (htons would have taken 70000 for 4464, as Node's dgram does).
 */
static socklen_t socket_address(const char *host, int32_t port, struct sockaddr_storage *out) {
  memset(out, 0, sizeof *out);
  if (port < 0 || port > 65535) return 0;
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return sizeof *a4;
  }
  // fe80::1%eth0 (as put_address writes a link-local sender): the scope is the interface's.
  char address[INET6_ADDRSTRLEN];
  const char *zone = strchr(host, '%');
  size_t length = zone == NULL ? strlen(host) : (size_t)(zone - host);
  if (length >= sizeof address) return 0;
  memcpy(address, host, length);
  address[length] = 0;
  if (inet_pton(AF_INET6, address, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (zone != NULL && (a6->sin6_scope_id = if_nametoindex(zone + 1)) == 0) return 0;
    return sizeof *a6;
  }
  return 0;
}

/* sendto(fd, buffer, host, port) -> bytes sent or -errno; host is an IPv4 or IPv6 literal. */
static napi_value send_to(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, port;
  char *data;
  size_t length;
  char host[64];
  if (!args(env, info, 4, argv) || !int_arg(env, argv[0], &fd) || !bytes_arg(env, argv[1], &data, &length) ||
      !text_arg(env, argv[2], host, sizeof host) || !int_arg(env, argv[3], &port))
    return NULL;
  struct sockaddr_storage to;
  socklen_t to_length = socket_address(host, port, &to);
  if (to_length == 0) return number(env, -EINVAL);
  ssize_t n = sendto(fd, data, length, MSG_DONTWAIT, (struct sockaddr *)&to, to_length);
  return number(env, n < 0 ? -errno : (double)n);
}

/* send(fd, buffer, offset, length) -> bytes sent or -errno, without blocking. */
static napi_value send_bytes(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, offset, count;
  char *data;
  size_t length;
  if (!args(env, info, 4, argv) || !int_arg(env, argv[0], &fd) || !bytes_arg(env, argv[1], &data, &length) ||
      !int_arg(env, argv[2], &offset) || !int_arg(env, argv[3], &count))
    return NULL;
  if (offset < 0 || count < 0 || (size_t)offset + (size_t)count > length) return number(env, -EINVAL);
  ssize_t n = send(fd, data + offset, (size_t)count, MSG_DONTWAIT | MSG_NOSIGNAL);
  return number(env, n < 0 ? -errno : (double)n);
}

/*
 * recvwait(fd, buffer, length, maxMs, waitFirst) -> bytes read, -errno, or -EAGAIN when the wait goes
 * on on the event loop: a read, else wait() as above and a read when READY. waitFirst 1 skips the
 * first read: a caller whose last read emptied the kernel (it came back short of its buffer; in a
 * round trip the answer is never there yet) saves a system call that fails; a stream's reader (bytes
 * are mostly there) reads first. A read that
 * finds the peer's FIN (0) leaves it to the loop too: -EAGAIN.
 */
static napi_value recv_wait(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd, count, max_ms, wait_first;
  char *data;
  size_t length;
  if (!args(env, info, 5, argv) || !int_arg(env, argv[0], &fd) || !bytes_arg(env, argv[1], &data, &length) ||
      !int_arg(env, argv[2], &count) || !int_arg(env, argv[3], &max_ms) || !int_arg(env, argv[4], &wait_first))
    return NULL;
  if (count < 0 || (size_t)count > length) return number(env, -EINVAL);
  ssize_t n = -1;
  errno = EAGAIN;
  if (!wait_first) n = recv(fd, data, (size_t)count, MSG_DONTWAIT);
  if (n < 0 && errno == EAGAIN) {
    int w = wait_on(env, fd, 0, max_ms);
    if (w < 0) return number(env, w);
    if (w != READY) return number(env, -EAGAIN);
    n = recv(fd, data, (size_t)count, MSG_DONTWAIT);
  }
  if (n == 0) return number(env, -EAGAIN);
  return number(env, n < 0 ? -errno : (double)n);
}

/*
 * sendfile(socketFd, fileFd, offset, count) -> bytes sent or -errno, without blocking on the socket
 * (0: the file's end). sendfile's fast path calls it until EAGAIN, then wait()s for room.
 */
static napi_value send_file(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t out_fd, in_fd;
  double offset_value, count_value;
  if (!args(env, info, 4, argv) || !int_arg(env, argv[0], &out_fd) || !int_arg(env, argv[1], &in_fd) ||
      !double_arg(env, argv[2], &offset_value) || !double_arg(env, argv[3], &count_value))
    return NULL;
  /* Converting NaN or a double past the type's range is undefined in C: refused, as the kernel refuses negatives. */
  if (!(offset_value >= 0 && offset_value <= 9007199254740991.0 && count_value >= 0 && count_value <= 9007199254740991.0))
    return number(env, -EINVAL);
  off_t offset = (off_t)offset_value;
  ssize_t n = sendfile(out_fd, in_fd, &offset, (size_t)count_value);
  return number(env, n < 0 ? -errno : (double)n);
}

/*
 * recvfile's and the bulk path's relay: bytes move from the socket to a file inside the kernel,
 * through a pipe (splice(2) twice), never copied into the process. One pipe per Node environment (the
 * main thread's, each worker's: two threads splicing through one pipe at once would take each other's
 * bytes), made on first use, never left holding bytes between calls, closed when the environment ends.
 */
typedef struct {
  int relay[2];
} env_state_t;

/* The instance data's finalizer: the environment (a worker's, or the process's) has ended. */
static void free_state(napi_env env, void *data, void *hint) {
  env_state_t *s = data;
  if (s->relay[0] >= 0) close(s->relay[0]);
  if (s->relay[1] >= 0) close(s->relay[1]);
  free(s);
}

/* This environment's relay pipe, made now if need be: 0 with *out set, or -errno. */
static int relay_open(napi_env env, env_state_t **out) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok || data == NULL) return -EINVAL;
  env_state_t *s = data;
  if (s->relay[0] < 0) {
    if (pipe2(s->relay, O_CLOEXEC) < 0) return -errno;
    fcntl(s->relay[1], F_SETPIPE_SZ, 1024 * 1024); /* a smaller pipe only means more calls */
  }
  *out = s;
  return 0;
}

/* The relay pipe's bytes (left of them) into the file: 0, or -errno (the pipe is then emptied by closing it). */
static int relay_into(env_state_t *s, int file, ssize_t left) {
  while (left > 0) {
    ssize_t w = splice(s->relay[0], NULL, file, NULL, (size_t)left, SPLICE_F_MOVE);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      close(s->relay[0]);
      close(s->relay[1]);
      s->relay[0] = s->relay[1] = -1;
      return -e;
    }
    left -= w;
  }
  return 0;
}

/* A file error from splicefile, told apart from the socket's: -(FILE_ERROR + errno). */
#define FILE_ERROR 4096

/*
 * Socket options by their Python names, for the options Node's net and dgram cannot set or read
 * (src/engine/options.ts says which): the names stay in JS, the numbers in this table.
 */
static const struct {
  const char *name;
  int level;
  int option;
} OPTIONS[] = {
    {"SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR},   {"SO_BROADCAST", SOL_SOCKET, SO_BROADCAST},
    {"SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE},   {"SO_RCVBUF", SOL_SOCKET, SO_RCVBUF},
    {"SO_SNDBUF", SOL_SOCKET, SO_SNDBUF},         {"SO_LINGER", SOL_SOCKET, SO_LINGER},
    {"TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY},    {"IP_MULTICAST_TTL", IPPROTO_IP, IP_MULTICAST_TTL},
    {"IP_MULTICAST_LOOP", IPPROTO_IP, IP_MULTICAST_LOOP}, {"IP_MULTICAST_IF", IPPROTO_IP, IP_MULTICAST_IF},
    {"IP_ADD_MEMBERSHIP", IPPROTO_IP, IP_ADD_MEMBERSHIP},
    {"IP_DROP_MEMBERSHIP", IPPROTO_IP, IP_DROP_MEMBERSHIP},
    {"IPV6_MULTICAST_HOPS", IPPROTO_IPV6, IPV6_MULTICAST_HOPS},
    {"IPV6_MULTICAST_LOOP", IPPROTO_IPV6, IPV6_MULTICAST_LOOP},
    {"IPV6_MULTICAST_IF", IPPROTO_IPV6, IPV6_MULTICAST_IF},
    {"IPV6_JOIN_GROUP", IPPROTO_IPV6, IPV6_JOIN_GROUP},
    {"IPV6_LEAVE_GROUP", IPPROTO_IPV6, IPV6_LEAVE_GROUP},
};

/* The option named by argument v: its index in OPTIONS, or -1 (a TypeError is thrown). */
static int option_arg(napi_env env, napi_value v) {
  char name[32];
  size_t length;
  if (napi_get_value_string_utf8(env, v, name, sizeof name, &length) == napi_ok) {
    for (size_t i = 0; i < sizeof OPTIONS / sizeof OPTIONS[0]; i++)
      if (strcmp(OPTIONS[i].name, name) == 0) return (int)i;
  }
  napi_throw_type_error(env, NULL, "sockshell native: not an option of this addon");
  return -1;
}

/*
 * getsockopt(fd, name) -> the option's value or -errno. An int is read, as Python's
 * getsockopt(level, name) without a buffer length reads one: for SO_LINGER that is l_onoff.
 */
static napi_value get_option(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  int i = option_arg(env, argv[1]);
  if (i < 0) return NULL;
  int value = 0;
  socklen_t length = sizeof value;
  if (getsockopt(fd, OPTIONS[i].level, OPTIONS[i].option, &value, &length) < 0) return number(env, -errno);
  return number(env, value);
}

/*
 * setsockopt(fd, name, value) -> 0 or -errno. An int, except SO_LINGER: value -1 is off
 * (l_onoff 0), else on with l_linger = value seconds.
 */
static napi_value set_option(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, value;
  if (!args(env, info, 3, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[2], &value)) return NULL;
  int i = option_arg(env, argv[1]);
  if (i < 0) return NULL;
  int r;
  if (OPTIONS[i].option == SO_LINGER && OPTIONS[i].level == SOL_SOCKET) {
    struct linger l = {value < 0 ? 0 : 1, value < 0 ? 0 : value};
    r = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  } else {
    r = setsockopt(fd, OPTIONS[i].level, OPTIONS[i].option, &value, sizeof value);
  }
  return number(env, r < 0 ? -errno : 0);
}

/*
 * socket(family, stream) -> a new descriptor or -errno (family 4, 6, or 0 for AF_UNIX): a socket of the kind Node has not made yet
 * (TCP before connect or listen, UDP before bind), for getsockopt to ask the OS. The caller closes it.
 */
static napi_value new_socket(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t family, stream;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &family) || !int_arg(env, argv[1], &stream)) return NULL;
  int domain = family == 6 ? AF_INET6 : family == 0 ? AF_UNIX : AF_INET;
  int fd = socket(domain, (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  return number(env, fd < 0 ? -errno : fd);
}

/*
 * acceptwait(fd, address, maxMs, waitFirst) -> the new connection's descriptor (non-blocking,
 * close-on-exec) or -errno: accept4 at once (a connection may be queued already), else wait() (maxMs
 * at most) and again; -EAGAIN when the wait goes on on the event loop. maxMs < 0: accept4 only, no
 * wait. waitFirst: the caller's accept4 has just found the queue empty, so wait first (accept4 again
 * would only fail: a waiting accept cost two accept4 and two polls where one of each does). address
 * receives the peer (fill_address). The listening socket may be Node's: its event loop finds the queue
 * one shorter, which is all it needs to know.
 */
static napi_value accept_wait(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, max_ms, wait_first;
  if (!args(env, info, 4, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[2], &max_ms) ||
      !int_arg(env, argv[3], &wait_first))
    return NULL;
  struct sockaddr_storage from;
  socklen_t from_length = sizeof from;
  memset(&from, 0, sizeof from);
  int conn = -1;
  errno = EAGAIN;
  if (!wait_first || max_ms < 0) conn = accept4(fd, (struct sockaddr *)&from, &from_length, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (conn < 0 && errno == EAGAIN) {
    if (max_ms < 0) return number(env, -EAGAIN);
    int w = wait_on(env, fd, 0, max_ms);
    if (w < 0) return number(env, w);
    if (w != READY) return number(env, -EAGAIN);
    from_length = sizeof from;
    conn = accept4(fd, (struct sockaddr *)&from, &from_length, SOCK_NONBLOCK | SOCK_CLOEXEC);
  }
  if (conn < 0) return number(env, -errno);
  if (!fill_address(env, argv[1], &from)) {
    close(conn);
    return NULL;
  }
  return number(env, conn);
}

/* sockname(fd, address) -> 0 or -errno: the socket's own address (getsockname) into address. */
static napi_value sock_name(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  struct sockaddr_storage local;
  socklen_t local_length = sizeof local;
  memset(&local, 0, sizeof local);
  if (getsockname(fd, (struct sockaddr *)&local, &local_length) < 0) return number(env, -errno);
  if (!fill_address(env, argv[1], &local)) return NULL;
  return number(env, 0);
}

/* unread(fd) -> bytes in the socket's receive buffer (SIOCINQ) or -errno. */
static napi_value unread_bytes(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  int n = 0;
  if (ioctl(fd, SIOCINQ, &n) < 0) return number(env, -errno);
  return number(env, n);
}

/*
 * revents(fd) -> what poll(2) says of fd now, without waiting (POLLIN | POLLRDHUP asked; POLLERR and
 * POLLHUP come unasked), or -errno: accept's look at what came while a connection waited in the queue
 * (bytes, the peer's FIN, a reset), which takes nothing from the socket (src/engine/queued-news.ts).
 */
static napi_value revents_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  struct pollfd p = {fd, POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) < 0) return number(env, -errno);
  return number(env, p.revents);
}

/*
 * close(fd, reset) -> 0 or -errno. reset: a linger of 0 first, so the kernel answers with RST
 * (Node's resetAndDestroy does the same); otherwise an ordinary close, FIN after what was sent.
 */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, reset;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[1], &reset)) return NULL;
  if (reset) {
    struct linger now = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
  }
  return number(env, close(fd) < 0 ? -errno : 0);
}

/*
 * Asks the kernel (sock_diag, on the netlink socket nl) for one family's TCP sockets in `states` (a
 * bit per TCP state) on local port `port`: the port filter is bytecode the kernel runs, so only they
 * come back, each with the attributes `ext` asks for (a bit per INET_DIAG_* - 1). 0 or -errno; the
 * answer is read from nl.
 */
static int diag_ask(int nl, int family, uint32_t states, int port, uint8_t ext) {
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 req;
    struct rtattr rta;
    struct inet_diag_bc_op ops[4];
  } ask;
  memset(&ask, 0, sizeof ask);
  ask.nlh.nlmsg_len = sizeof ask;
  ask.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  ask.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  ask.req.sdiag_family = (uint8_t)family;
  ask.req.sdiag_protocol = IPPROTO_TCP;
  ask.req.idiag_states = states;
  ask.req.idiag_ext = ext;
  ask.rta.rta_type = INET_DIAG_REQ_BYTECODE;
  ask.rta.rta_len = RTA_LENGTH(sizeof ask.ops);
  /* sport >= port and sport <= port (S_EQ is newer than some kernels); a jump past the end rejects. */
  ask.ops[0] = (struct inet_diag_bc_op){INET_DIAG_BC_S_GE, 8, 20};
  ask.ops[1] = (struct inet_diag_bc_op){0, 0, (unsigned short)port};
  ask.ops[2] = (struct inet_diag_bc_op){INET_DIAG_BC_S_LE, 8, 12};
  ask.ops[3] = (struct inet_diag_bc_op){0, 0, (unsigned short)port};
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  return sendto(nl, &ask, sizeof ask, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0 ? -errno : 0;
}

/*
 * Reads the kernel's answer to diag_ask from nl, calling visit(m, extra, arg) for each socket in it,
 * until NLMSG_DONE: 0, or -errno (the kernel's error, or the read's). extra is the length of the
 * attributes after m (rtattrs). Lengths are checked before anything is read: a message shorter than
 * what it must hold, or an answer cut short, is -EPROTO or -EMSGSIZE.
 */
typedef void (*diag_visit)(const struct inet_diag_msg *m, int extra, void *arg);

static int diag_each(int nl, diag_visit visit, void *arg) {
  long answer[8192 / sizeof(long)];
  for (;;) {
    /* MSG_TRUNC: the datagram's whole length, so one longer than the buffer is told, not half read. */
    ssize_t got = recv(nl, answer, sizeof answer, MSG_TRUNC);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -errno;
    if ((size_t)got > sizeof answer) return -EMSGSIZE;
    /* An int, as NLMSG_OK compares it: a size_t would wrap below 0 past an unaligned last message. */
    int left = (int)got;
    for (const struct nlmsghdr *h = (const struct nlmsghdr *)answer; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) return -EPROTO;
        const struct nlmsgerr *e = NLMSG_DATA(h);
        return e->error < 0 ? e->error : -EPROTO;
      }
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return -EPROTO;
      visit(NLMSG_DATA(h), (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct inet_diag_msg))), arg);
    }
  }
}

/* counts[0] TIME_WAIT sockets, counts[1] the others, counts[2] the most milliseconds a TIME_WAIT socket has left. */
static void count_holder(const struct inet_diag_msg *m, int extra, void *arg) {
  (void)extra;
  int32_t *counts = arg;
  if (m->idiag_state == 6 /* TCP_TIME_WAIT */) {
    counts[0]++;
    if ((int32_t)m->idiag_expires > counts[2]) counts[2] = (int32_t)m->idiag_expires;
  } else {
    counts[1]++;
  }
}

/* One family's TCP sockets on local port `port`, counted into counts (count_holder). 0 or -errno. */
static int diag_family(int nl, int family, int port, int32_t *counts) {
  int asked = diag_ask(nl, family, ~0U, port, 0);
  return asked < 0 ? asked : diag_each(nl, count_holder, counts);
}

/* tcpholders(port, counts) -> 0 or -errno: the TCP sockets on a local port, both families (diag_family). */
static napi_value tcp_holders(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t port;
  char *data;
  size_t length;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &port) || !bytes_arg(env, argv[1], &data, &length)) return NULL;
  if (length < 3 * sizeof(int32_t) || port < 0 || port > 65535) return number(env, -EINVAL);
  int32_t counts[3] = {0, 0, 0};
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (nl < 0) return number(env, -errno);
  int result = diag_family(nl, AF_INET, port, counts);
  if (result == 0) result = diag_family(nl, AF_INET6, port, counts);
  close(nl);
  if (result < 0) return number(env, result);
  memcpy(data, counts, sizeof counts);
  return number(env, 0);
}

/*
 * bindcheck(host, port) -> 0 or -errno: whether a TCP socket *without* SO_REUSEADDR may bind
 * host:port now (libuv sets SO_REUSEADDR on every TCP bind, so Node's own bind cannot say).
 */
static napi_value bind_check(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t port;
  char host[64];
  if (!args(env, info, 2, argv) || !text_arg(env, argv[0], host, sizeof host) || !int_arg(env, argv[1], &port)) return NULL;
  struct sockaddr_storage at;
  socklen_t at_length = socket_address(host, port, &at);
  if (at_length == 0) return number(env, -EINVAL);
  int fd = socket(at.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return number(env, -errno);
  int r = bind(fd, (struct sockaddr *)&at, at_length) < 0 ? -errno : 0;
  close(fd);
  return number(env, r);
}

/*
 * sockshell connect/listen's bulk path (src/engine/bulk-pump.ts): standard input to the socket and
 * the socket to standard output, inside the kernel, while both are plain bulk. Each move is one
 * system call and no byte enters the process: sendfile(2) from a regular file, splice(2) from or into
 * a pipe, and into a file or /dev/null through the relay pipe above (the same one splicefile uses,
 * left empty after every move). Whatever is not a move (the end of either stream, an error, a reset,
 * the peer's FIN) ends the call and is left for the event loop to read and tell, as wait() does.
 */
#define PUMP_MOVE (4 * 1024 * 1024)   /* the most one system call is asked to move */
#define PUMP_BUDGET (64 * 1024 * 1024) /* the most one call moves before JS counts it (progress, -w) */
enum { PUMP_SLICE = 0, PUMP_MOVED = 1, PUMP_LOOP = 2, PUMP_INPUT_END = 3, PUMP_SEND_FAILED = 4, PUMP_OUTPUT_OFF = 5 };
enum { KIND_NONE = 0, KIND_FILE = 1, KIND_PIPE = 2 };

/*
 * fdkind(fd, output) -> how the bulk path can move fd's bytes: 1 a file (input: a regular file, for
 * sendfile; output: a regular file not opened for appending, which splice refuses, or /dev/null), 2 a
 * pipe (splice), 0 neither (a terminal, a socket...: the event loop's path).
 *
 * A pipe keeps its size. It is the user's (their shell made it for `producer | sockshell connect |
 * consumer`), shared with the other processes on it and outliving this one: raising it to 1 MiB, as
 * this once did, changed how far every writer on it runs ahead of its reader and counted 1 MiB against
 * the user's pipe-user-pages-soft (past it, Linux gives that user's new pipes two pages). Only the
 * shell's own relay pipe is raised (relay_open). Measured, 256 MiB into `| dd of=/dev/null bs=1M`: the
 * 64 KiB pipe moved about 10% less a second than the raised one (load 8: medians 536 vs 604 MiB/s).
 */
static napi_value fd_kind(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, output;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[1], &output)) return NULL;
  struct stat st;
  int flags = fcntl(fd, F_GETFL);
  if (fstat(fd, &st) < 0 || flags < 0) return number(env, KIND_NONE);
  if (S_ISFIFO(st.st_mode)) return number(env, KIND_PIPE);
  if (output && (flags & O_APPEND)) return number(env, KIND_NONE);
  if (S_ISREG(st.st_mode)) return number(env, KIND_FILE);
  if (output && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3) return number(env, KIND_FILE);
  return number(env, KIND_NONE);
}

/*
 * Whether the event loop has something to do now: a timer due, I/O callbacks pending, or its
 * descriptor readable (a socket, a child, a signal). Not uv_backend_timeout's idle handles: the
 * setImmediate that gave the loop its turn leaves Node's on until its callback's promises have run,
 * and the bulk path's next call runs in them.
 */
static int loop_busy(uv_loop_t *loop, int *due) {
  uv_update_time(loop);
  *due = -1;
  if (loop->timer_heap.min != NULL) {
    const uv_timer_t *first = (const uv_timer_t *)((const char *)loop->timer_heap.min - offsetof(uv_timer_t, heap_node));
    uint64_t in = uv_timer_get_due_in(first);
    *due = in > SLICE_MS ? SLICE_MS : (int)in;
  }
  if (*due == 0 || loop->pending_queue.next != &loop->pending_queue) return 1;
  struct pollfd l = {uv_backend_fd(loop), POLLIN, 0};
  return poll(&l, 1, 0) > 0;
}

static double elapsed_ms(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - since->tv_sec) * 1000.0 + (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* Which of a and b (for events) is not ready now: 1 a, 2 b, 3 both; so a wait waits for it alone. */
static int not_ready(int a, short a_events, int b, short b_events) {
  struct pollfd p[2] = {{a, a_events, 0}, {b, b_events, 0}};
  if (poll(p, 2, 0) < 0) return 3;
  int which = (p[0].revents == 0 ? 1 : 0) | (p[1].revents == 0 ? 2 : 0);
  return which == 0 ? 3 : which;
}

/*
 * splicefile(socketFd, fileFd, max, maxMs, out) -> bytes moved from the socket into the file (up to
 * max), inside the kernel through the relay pipe, in as many splices as it takes: each move is followed
 * by the next until the socket is empty, then the call waits in poll() on the socket and the event
 * loop's descriptor, as pumpfds does, until max bytes moved, maxMs (at most a slice) passed, or the loop
 * needs its turn. With nothing moved: 0 at the peer's FIN, -errno for the socket's error, EAGAIN when
 * nothing came (or the loop needs its turn), -(FILE_ERROR + errno) for the file's (the bytes of that
 * move may be lost). What stopped a call after it had moved bytes (a reset, the file's error; the FIN
 * is found by the next call) is in out, so the moved bytes are told first: out is int32 errno (0, -errno
 * or -(FILE_ERROR + errno)) at 0; at 4 how many bytes were peeked, at most 255 and out's room after 5;
 * at 5 the first bytes of the call's first move, peeked before it (what the views show of an arrival:
 * one preview per call, not per splice, and one MSG_PEEK).
 */
static napi_value splice_file(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t fd, file, max, max_ms;
  char *out;
  size_t out_length;
  if (!args(env, info, 5, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[1], &file) ||
      !int_arg(env, argv[2], &max) || !int_arg(env, argv[3], &max_ms) || !bytes_arg(env, argv[4], &out, &out_length))
    return NULL;
  if (max <= 0 || out_length < 6) return number(env, -EINVAL);
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return number(env, -EINVAL);
  env_state_t *s;
  int opened = relay_open(env, &s);
  if (opened < 0) return number(env, opened);
  memset(out, 0, 5);
  size_t want = out_length - 5 < 255 ? out_length - 5 : 255;
  int limit = max_ms < SLICE_MS ? max_ms : SLICE_MS;
  struct timespec began;
  clock_gettime(CLOCK_MONOTONIC, &began);
  ssize_t moved = 0;
  int32_t stop = 0; /* what ended the call: 0, or -errno, or -(FILE_ERROR + errno) */
  int fin = 0;
  for (;;) {
    ssize_t n = 0;
    if (moved == 0) {
      /* The preview, before the first move: nothing yet (EAGAIN), the FIN (0) or the socket's error. */
      n = recv(fd, out + 5, want, MSG_PEEK | MSG_DONTWAIT);
      if (n > 0) out[4] = (char)n;
    }
    if (moved > 0 || n > 0) n = splice(fd, NULL, s->relay[1], NULL, (size_t)(max - moved), SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      int e = relay_into(s, file, n);
      if (e < 0) {
        stop = -(FILE_ERROR - e);
        break;
      }
      moved += n;
      if (moved >= max) break;
      continue;
    }
    if (n == 0) {
      fin = 1; /* the peer's FIN: the loop reads it (after bytes moved: at the next call) */
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      stop = -errno;
      break;
    }
    /* The socket is empty: wait for more, unless the loop needs its turn or the time is up. */
    int due;
    if (loop_busy(loop, &due)) break;
    int left = limit - (int)elapsed_ms(&began);
    if (left <= 0) break;
    int ms = due > 0 && due < left ? due : left;
    /* A FIN, reset or error wakes it too: the next round's peek or splice meets it after the bytes before. */
    struct pollfd p[2] = {{fd, POLLIN | POLLRDHUP, 0}, {uv_backend_fd(loop), POLLIN, 0}};
    int ready = poll(p, 2, ms);
    if (ready < 0 && errno != EINTR) {
      stop = -errno;
      break;
    }
    if (ready > 0 && p[0].revents == 0) break; /* the loop's turn */
  }
  if (moved == 0) return number(env, stop != 0 ? stop : fin ? 0 : -EAGAIN);
  memcpy(out, &stop, sizeof stop);
  return number(env, (double)moved);
}

/*
 * pumpfds(sock, in, inKind, out, outKind, maxMs, counts) -> what ended the call (PUMP_*): moves bytes
 * from in to the socket and from the socket to out (either -1: that direction is not this call's)
 * until PUMP_BUDGET bytes moved, maxMs (at most a slice) passed, or something else happened; waits in
 * poll() on what a move waits for and on the event loop's descriptor, as wait() does. counts (a
 * Buffer of 24 bytes) gets the bytes sent and received (doubles at 0 and 8) and an errno (int32 at 16):
 * PUMP_INPUT_END: in ended (a read gave 0); PUMP_SEND_FAILED: sending failed (errno: the socket's, or
 * the input's); PUMP_OUTPUT_OFF: the socket's end, error or reset is the event loop's to read (errno
 * 0), or a receive failed (errno: the socket's or out's; FILE_ERROR + errno: out's, through the relay).
 */
static napi_value pump_fds(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  int32_t sock, in, in_kind, out, out_kind, max_ms;
  char *counts;
  size_t counts_length;
  if (!args(env, info, 7, argv) || !int_arg(env, argv[0], &sock) || !int_arg(env, argv[1], &in) ||
      !int_arg(env, argv[2], &in_kind) || !int_arg(env, argv[3], &out) || !int_arg(env, argv[4], &out_kind) ||
      !int_arg(env, argv[5], &max_ms) || !bytes_arg(env, argv[6], &counts, &counts_length))
    return NULL;
  if (counts_length < 24) return number(env, -EINVAL);
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return number(env, -EINVAL);
  if ((in >= 0 && in_kind != KIND_FILE && in_kind != KIND_PIPE) || (out >= 0 && out_kind != KIND_FILE && out_kind != KIND_PIPE))
    return number(env, -EINVAL);
  env_state_t *relay = NULL;
  if (out >= 0 && out_kind == KIND_FILE) {
    int opened = relay_open(env, &relay);
    if (opened < 0) return number(env, opened);
  }
  int limit = max_ms < SLICE_MS ? max_ms : SLICE_MS;
  struct timespec began;
  clock_gettime(CLOCK_MONOTONIC, &began);
  double sent = 0, received = 0;
  int result = PUMP_SLICE, error = 0;
  for (;;) {
    /* The waits this round needs: [0] the socket, [1] in, [2] out, [3] the event loop. */
    short sock_events = 0, in_events = 0, out_events = 0;
    if (in >= 0) {
      for (;;) {
        ssize_t n = in_kind == KIND_FILE ? sendfile(sock, in, NULL, PUMP_MOVE)
                                         : splice(in, NULL, sock, NULL, PUMP_MOVE, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
          sent += (double)n;
          if (sent + received >= PUMP_BUDGET) goto moved;
          continue;
        }
        if (n == 0) {
          result = PUMP_INPUT_END;
          goto done;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN) {
          result = PUMP_SEND_FAILED;
          error = errno;
          goto done;
        }
        if (in_kind == KIND_FILE) sock_events |= POLLOUT;
        else {
          int which = not_ready(in, POLLIN, sock, POLLOUT);
          if (which & 1) in_events |= POLLIN;
          if (which & 2) sock_events |= POLLOUT;
        }
        break;
      }
    }
    if (out >= 0) {
      for (;;) {
        ssize_t n;
        if (out_kind == KIND_PIPE) n = splice(sock, NULL, out, NULL, PUMP_MOVE, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        else n = splice(sock, NULL, relay->relay[1], NULL, PUMP_MOVE, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
          if (out_kind == KIND_FILE) {
            int e = relay_into(relay, out, n);
            if (e < 0) {
              result = PUMP_OUTPUT_OFF;
              error = FILE_ERROR - e;
              goto done;
            }
          }
          received += (double)n;
          if (sent + received >= PUMP_BUDGET) goto moved;
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || errno != EAGAIN) {
          result = PUMP_OUTPUT_OFF;
          error = n == 0 ? 0 : errno;
          goto done;
        }
        if (out_kind == KIND_FILE) sock_events |= POLLIN | POLLRDHUP;
        else {
          int which = not_ready(sock, POLLIN | POLLRDHUP, out, POLLOUT);
          if (which & 1) sock_events |= POLLIN | POLLRDHUP;
          if (which & 2) out_events |= POLLOUT;
        }
        break;
      }
    }
    if (in < 0 && out < 0) goto moved;
    int due;
    if (loop_busy(loop, &due)) goto turn;
    int left = limit - (int)elapsed_ms(&began);
    if (left <= 0) goto moved;
    int ms = due > 0 && due < left ? due : left;
    struct pollfd p[4] = {{sock, sock_events, 0}, {in_events ? in : -1, in_events, 0}, {out_events ? out : -1, out_events, 0},
                          {uv_backend_fd(loop), POLLIN, 0}};
    int n = poll(p, 4, ms);
    if (n < 0 && errno != EINTR) {
      result = PUMP_SEND_FAILED;
      error = errno;
      goto done;
    }
    if (n <= 0) continue; /* the time or a timer: the next round's checks end the call */
    /* The peer's FIN, a reset or an error: the event loop reads it and tells it, as it knows how. */
    if (out >= 0 && (p[0].revents & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL))) {
      result = PUMP_OUTPUT_OFF;
      goto done;
    }
    /* Only sending, the input quiet, and the connection failed or was reset meanwhile, with the event
       loop not watching it (its descriptor quiet: a bare connection): no send meets it, and the poll
       would wake on it again and again until the slice ended. The send fails now with the socket's
       error, as the next one would have (EPIPE once both directions are shut). When the loop reads the
       socket, it has its turn (next round) and tells the reset as it always does. */
    if ((p[0].revents & (POLLERR | POLLHUP | POLLNVAL)) && p[3].revents == 0) {
      int pending = 0;
      socklen_t pending_length = sizeof pending;
      if (p[0].revents & POLLNVAL) pending = EBADF;
      else if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &pending, &pending_length) < 0 || pending == 0) pending = EPIPE;
      result = PUMP_SEND_FAILED;
      error = pending;
      goto done;
    }
    if (p[0].revents == 0 && p[1].revents == 0 && p[2].revents == 0) goto turn;
  }
moved:
  /* Bytes moving all the while still leave the loop its turn when it needs one (Ctrl-C, a timer). */
  {
    int due;
    result = loop_busy(loop, &due) ? PUMP_LOOP : sent + received > 0 ? PUMP_MOVED : PUMP_SLICE;
  }
  goto done;
turn:
  result = PUMP_LOOP;
done:
  memcpy(counts, &sent, sizeof sent);
  memcpy(counts + 8, &received, sizeof received);
  int32_t e32 = error;
  memcpy(counts + 16, &e32, sizeof e32);
  return number(env, result);
}

/* errname(-errno) -> 'ECONNREFUSED' and the like, as Node names them. */
static napi_value err_name(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t code;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &code)) return NULL;
  /* uv_err_name mallocs the name of a code it does not know, and nothing frees it: _r writes into ours. */
  char name[64];
  uv_err_name_r(code, name, sizeof name);
  napi_value v;
  CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &v));
  return v;
}

/*
 * ifname(index) -> the name of interface `index` (if_indextoname, in this process's network namespace),
 * or '' where there is none. Node has no if_indextoname: os.networkInterfaces lists only interfaces with
 * addresses, and gives an index only with an IPv6 one, so lo without a link-local address (index 1)
 * was taken for no interface at all, where Python's scope id 1 is lo.
 */
static napi_value if_name(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t index;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &index)) return NULL;
  char name[IF_NAMESIZE] = {0};
  if (index <= 0 || if_indextoname((unsigned)index, name) == NULL) name[0] = 0;
  napi_value v;
  CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &v));
  return v;
}

/*
 * ifindex(name) -> the index of interface `name` (if_nametoindex, in this process's network namespace),
 * or 0 where there is none. Node tells an interface's index only from a link-local IPv6 address, so lo
 * (usually without one) could not be named by name where Python's if_nametoindex('lo') gives 1.
 */
static napi_value if_index(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  /* Room for one byte past the longest name: a longer one stays too long, and so matches none. */
  char name[IF_NAMESIZE + 1] = {0};
  if (!args(env, info, 1, argv) || !text_arg(env, argv[0], name, sizeof name)) return NULL;
  return number(env, (int)if_nametoindex(name));
}

/*
 * A TCP socket that really binds and listens (the engine holds its descriptor; Node cannot bind without
 * listening, nor listen without accepting everything at once). The kernel's accept queue is the queue:
 * a listening socket's readiness is watched with an edge-triggered epoll under a uv_poll_t, which
 * tells JS of each new connection without taking it, and accept takes one only when it is asked to.
 */
#include <sys/epoll.h>

/* bindfd(fd, host, port) -> 0 or -errno: bind fd (made non-blocking here) to host:port (an IP literal). */
static napi_value bind_fd(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, port;
  char host[64];
  if (!args(env, info, 3, argv) || !int_arg(env, argv[0], &fd) || !text_arg(env, argv[1], host, sizeof host) ||
      !int_arg(env, argv[2], &port))
    return NULL;
  struct sockaddr_storage at;
  socklen_t at_length = socket_address(host, port, &at);
  if (at_length == 0) return number(env, -EINVAL);
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return number(env, -errno);
  return number(env, bind(fd, (struct sockaddr *)&at, at_length) < 0 ? -errno : 0);
}

/* listenfd(fd, backlog) -> 0 or -errno: listen(2) with the backlog as given (the kernel caps it at somaxconn). */
static napi_value listen_fd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, backlog;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &fd) || !int_arg(env, argv[1], &backlog)) return NULL;
  return number(env, listen(fd, backlog) < 0 ? -errno : 0);
}

/*
 * acceptqueue(fd) -> the connections in a listening socket's accept queue, or -errno. Linux's
 * TCP_INFO on a listener gives its accept queue in tcpi_unacked and the backlog in tcpi_sacked (what
 * ss shows as Recv-Q and Send-Q).
 */
static napi_value accept_queue(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  struct tcp_info ti;
  socklen_t length = sizeof ti;
  memset(&ti, 0, sizeof ti);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &length) < 0) return number(env, -errno);
  if (ti.tcpi_state != TCP_LISTEN) return number(env, -EINVAL);
  return number(env, ti.tcpi_unacked);
}

/* queuedpeers' look at the kernel's answer: the listener's address, and the peers written so far into out, with their ages. */
struct peers_seen {
  int family;
  const void *address;
  size_t address_size;
  int any;
  char *out;
  size_t out_length;
  int found;
  uint32_t *ages;
};

/*
 * How long ago the connection m was established, in ms, from its tcp_info (INET_DIAG_INFO among the
 * extra bytes of attributes after m): tcpi_last_data_sent, since the kernel sets the time of the last
 * data sent when it makes the connection, and a connection no process holds has sent no data (its ACKs
 * of what the client sends carry none). UINT32_MAX when the kernel did not say.
 */
static uint32_t queued_age(const struct inet_diag_msg *m, int extra) {
  const struct rtattr *a = (const struct rtattr *)((const char *)m + NLMSG_ALIGN(sizeof *m));
  for (; RTA_OK(a, extra); a = RTA_NEXT(a, extra)) {
    if (a->rta_type != INET_DIAG_INFO) continue;
    if (RTA_PAYLOAD(a) < offsetof(struct tcp_info, tcpi_last_data_sent) + sizeof(uint32_t)) break;
    return ((const struct tcp_info *)RTA_DATA(a))->tcpi_last_data_sent;
  }
  return UINT32_MAX;
}

/*
 * A queued connection (no process holds it: inode 0) on the listener's address: its peer into out, in
 * the order the connections came (the oldest first, by queued_age; sock_diag lists them in the order
 * of its hash table). Connections established within one tick of the kernel's clock (4 ms at HZ=250)
 * have the same age and keep sock_diag's order: which of them came first is not known.
 */
static void see_peer(const struct inet_diag_msg *m, int extra, void *arg) {
  struct peers_seen *seen = arg;
  if (m->idiag_inode != 0) return;
  if (!seen->any && memcmp(m->id.idiag_src, seen->address, seen->address_size) != 0) return;
  if ((size_t)(seen->found + 1) * ADDRESS_BYTES > seen->out_length) return;
  uint32_t age = queued_age(m, extra);
  int at = seen->found;
  while (at > 0 && seen->ages[at - 1] < age) at--;
  char *slot = seen->out + (size_t)at * ADDRESS_BYTES;
  memmove(slot + ADDRESS_BYTES, slot, (size_t)(seen->found - at) * ADDRESS_BYTES);
  memmove(seen->ages + at + 1, seen->ages + at, (size_t)(seen->found - at) * sizeof *seen->ages);
  seen->ages[at] = age;
  struct sockaddr_storage peer;
  memset(&peer, 0, sizeof peer);
  peer.ss_family = (sa_family_t)seen->family;
  if (seen->family == AF_INET) {
    struct sockaddr_in *p = (struct sockaddr_in *)&peer;
    p->sin_port = m->id.idiag_dport;
    memcpy(&p->sin_addr, m->id.idiag_dst, 4);
  } else {
    struct sockaddr_in6 *p = (struct sockaddr_in6 *)&peer;
    p->sin6_port = m->id.idiag_dport;
    memcpy(&p->sin6_addr, m->id.idiag_dst, 16);
    /* A link-local client's interface: the kernel binds its connection to the one the SYN came in on,
       and getpeername (Python's accept) gives it as sin6_scope_id. put_address keeps it for link-local only. */
    p->sin6_scope_id = m->id.idiag_if;
  }
  memset(slot, 0, ADDRESS_BYTES);
  put_address(slot, &peer);
  seen->found++;
}

/*
 * queuedpeers(fd, out) -> how many peers were written into out (ADDRESS_BYTES each, put_address), or
 * -errno: the clients of the connections in the listening socket fd's accept queue, asked of the kernel
 * with sock_diag, in the order they came (see_peer); a record's TIED_BYTE is 1 where its order with a
 * neighbour is not known (the same age). A queued connection is an ESTABLISHED (or
 * CLOSE_WAIT: its client closed already) socket on the listener's local address and port that no
 * process holds yet (inode 0).
 */
static napi_value queued_peers(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  char *out;
  size_t out_length;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &fd) || !bytes_arg(env, argv[1], &out, &out_length)) return NULL;
  struct sockaddr_storage local;
  socklen_t local_length = sizeof local;
  memset(&local, 0, sizeof local);
  if (getsockname(fd, (struct sockaddr *)&local, &local_length) < 0) return number(env, -errno);
  int family = local.ss_family;
  if (family != AF_INET && family != AF_INET6) return number(env, -EAFNOSUPPORT);
  unsigned short port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&local)->sin_port : ((struct sockaddr_in6 *)&local)->sin6_port);
  const void *address = family == AF_INET ? (const void *)&((struct sockaddr_in *)&local)->sin_addr
                                          : (const void *)&((struct sockaddr_in6 *)&local)->sin6_addr;
  size_t address_size = family == AF_INET ? 4 : 16;
  static const char zeros[16] = {0};
  uint32_t *ages = malloc((out_length / ADDRESS_BYTES + 1) * sizeof *ages);
  if (ages == NULL) return number(env, -ENOMEM);
  struct peers_seen seen = {family, address, address_size, memcmp(address, zeros, address_size) == 0, out, out_length, 0, ages};
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  int result = nl < 0 ? -errno : diag_ask(nl, family, (1U << 1 /* ESTABLISHED */) | (1U << 8 /* CLOSE_WAIT */), port, 1U << (INET_DIAG_INFO - 1));
  if (result == 0) result = diag_each(nl, see_peer, &seen);
  if (nl >= 0) close(nl);
  /* Neighbours of the same age came within one tick of the kernel's clock: which came first is not known. */
  for (int i = 1; i < seen.found; i++)
    if (ages[i] == ages[i - 1]) out[(size_t)i * ADDRESS_BYTES + TIED_BYTE] = out[(size_t)(i - 1) * ADDRESS_BYTES + TIED_BYTE] = 1;
  free(ages);
  return number(env, result < 0 ? result : (double)seen.found);
}

/*
 * A watcher: its own epoll, polled by the event loop under a uv_poll_t. A listening socket's holds that
 * socket, edge-triggered; a watch set holds bare connections, each one-shot (watchadd).
 *
 * Its memory has two holders, the uv_poll handle (until the loop has closed it) and the external JS
 * holds (until it is collected), so an unwatch or watchadd after the close, or a second unwatch, finds
 * it still there. It ends at unwatch, or when its environment ends with it still on (a worker thread
 * that exits while listening): a handle left open then made Node abort the process as the worker's
 * loop closed. That end is an async cleanup hook, held until the loop has closed the handle: Node
 * unloads the addon with the environment, and a close callback run after that jumped into unmapped code.
 */
typedef struct {
  uv_poll_t poll;
  int ep;
  int reports; /* a watch set: its callback is given the descriptors that became ready */
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  napi_async_cleanup_hook_handle cleanup;
  int holders;
  bool ended;
} watcher_t;

static void watcher_release(watcher_t *w) {
  if (--w->holders == 0) free(w);
}

static void on_watcher_closed(uv_handle_t *handle) {
  watcher_t *w = handle->data;
  close(w->ep);
  /* The environment may end now: nothing of the addon's runs for this watcher again. */
  if (w->cleanup != NULL) napi_remove_async_cleanup_hook(w->cleanup);
  watcher_release(w);
}

/* The external's finalizer: JS holds the watcher no more. No N-API call here (the environment may be ending). */
static void on_watcher_collected(napi_env env, void *data, void *hint) {
  watcher_release(data);
}

/* Stops the watcher and gives back what it holds of the environment (which is still whole here); the loop frees the handle. */
static void watcher_end(watcher_t *w) {
  if (w->ended) return;
  w->ended = true;
  uv_poll_stop(&w->poll);
  napi_delete_reference(w->env, w->callback);
  napi_async_destroy(w->env, w->context);
  uv_close((uv_handle_t *)&w->poll, on_watcher_closed);
}

/* The environment ends with the watcher on (or its handle still closing): done once the loop has closed it. */
static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  watcher_end(arg);
}

/* Calls the watcher's JS callback with argc arguments on the event loop (napi_make_callback). */
static void call_watcher(watcher_t *w, size_t argc, napi_value *argv) {
  napi_value fn, self, result;
  /* napi_make_callback (not napi_call_function): Node's callback scope runs the microtasks and
     nextTicks the callback queued, as after any I/O callback. Its receiver must be an object. */
  if (napi_get_reference_value(w->env, w->callback, &fn) == napi_ok && fn != NULL && napi_get_global(w->env, &self) == napi_ok &&
      napi_make_callback(w->env, w->context, self, fn, argc, argv, &result) != napi_ok) {
    bool pending = false;
    napi_value err;
    if (napi_is_exception_pending(w->env, &pending) == napi_ok && pending && napi_get_and_clear_last_exception(w->env, &err) == napi_ok)
      napi_fatal_exception(w->env, err);
  }
}

/*
 * The epoll says something is ready. A listener's: a new connection joined its queue; its ready list is
 * emptied, so the loop's poll of it is quiet until the next connection (edge-triggered: a queue nobody
 * accepts from does not keep the loop busy). A watch set's: the descriptors that became readable, up to
 * a batch (one-shot: each is told once; more stay ready for the loop's next turn).
 */
static void on_watch_ready(uv_poll_t *handle, int status, int events) {
  watcher_t *w = handle->data;
  struct epoll_event fired[64];
  int n = 0;
  if (w->reports)
    n = epoll_wait(w->ep, fired, 64, 0);
  else
    while (epoll_wait(w->ep, fired, 8, 0) == 8) {
    }
  napi_handle_scope scope;
  if (napi_open_handle_scope(w->env, &scope) != napi_ok) return;
  if (!w->reports) {
    call_watcher(w, 0, NULL);
  } else if (n > 0) {
    napi_value list, item;
    int ok = napi_create_array_with_length(w->env, (size_t)n, &list) == napi_ok;
    for (int i = 0; ok && i < n; i++)
      ok = napi_create_int32(w->env, fired[i].data.fd, &item) == napi_ok && napi_set_element(w->env, list, (uint32_t)i, item) == napi_ok;
    if (ok) call_watcher(w, 1, &list);
  }
  napi_close_handle_scope(w->env, scope);
}

/* A watcher on a new epoll holding fd (edge-triggered), or none (fd < 0, a watch set): an external, or -errno. */
static napi_value start_watcher(napi_env env, int fd, napi_value callback, int reports) {
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return number(env, -EINVAL);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return number(env, -errno);
  struct epoll_event on = {.events = EPOLLIN | EPOLLET, .data = {.fd = fd}};
  watcher_t *w = NULL;
  int failed = fd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &on) < 0 ? -errno : 0;
  if (failed == 0 && (w = calloc(1, sizeof *w)) == NULL) failed = -ENOMEM;
  if (failed == 0 && uv_poll_init(loop, &w->poll, ep) != 0) failed = -EINVAL;
  if (failed < 0) {
    close(ep);
    free(w);
    return number(env, failed);
  }
  /* From here the handle is the loop's: every way out closes it (watcher_end), which frees w. */
  w->poll.data = w;
  w->ep = ep;
  w->reports = reports;
  w->env = env;
  w->holders = 1;
  napi_value name, external;
  bool held = napi_create_reference(env, callback, 1, &w->callback) == napi_ok;
  bool began = held && napi_create_string_utf8(env, "sockshell.watch", NAPI_AUTO_LENGTH, &name) == napi_ok &&
               napi_async_init(env, NULL, name, &w->context) == napi_ok;
  bool shown = began && napi_create_external(env, w, on_watcher_collected, NULL, &external) == napi_ok;
  if (shown) w->holders++;
  if (!shown || uv_poll_start(&w->poll, UV_READABLE, on_watch_ready) != 0 ||
      napi_add_async_cleanup_hook(env, on_env_cleanup, w, &w->cleanup) != napi_ok) {
    w->cleanup = NULL;
    w->ended = true;
    if (held) napi_delete_reference(env, w->callback);
    if (began) napi_async_destroy(env, w->context);
    uv_close((uv_handle_t *)&w->poll, on_watcher_closed);
    napi_throw_error(env, NULL, "sockshell native: cannot watch the socket");
    return NULL;
  }
  /* A watch set keeps nothing alive: the connections it watches are the script's to wait on. */
  if (reports) uv_unref((uv_handle_t *)&w->poll);
  return external;
}

/*
 * watchlisten(fd, callback) -> a watcher (an external) or -errno: callback() runs on the event loop
 * each time a connection joins fd's accept queue (and at once if one is there already). unwatch ends it.
 */
static napi_value watch_listen(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  return start_watcher(env, fd, argv[1], 0);
}

/*
 * watchset(callback) -> a watch set (an external) or -errno: callback(fds) runs on the event loop when
 * descriptors added with watchadd end (the peer's FIN, a reset), each told once.
 */
static napi_value watch_set(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return NULL;
  return start_watcher(env, -1, argv[0], 1);
}

/* The watcher an external argument holds: NULL with a TypeError thrown when it is not one. */
static watcher_t *watcher_arg(napi_env env, napi_value v) {
  void *p;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "sockshell native: not a watcher");
    return NULL;
  }
  return p;
}

/*
 * watchadd(set, fd) -> 0 or -errno: fd joins the watch set until it is told once or closed. It is told
 * when the peer's FIN or a reset (an error, a hang-up) comes, not for bytes: those stay in the kernel
 * for the script's next read (counted there as unread), where a Node socket would read them at once.
 * -EBADF once the set has ended (its epoll is closed, and its number may be another descriptor's).
 */
static napi_value watch_add(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!args(env, info, 2, argv) || !int_arg(env, argv[1], &fd)) return NULL;
  watcher_t *w = watcher_arg(env, argv[0]);
  if (w == NULL) return NULL;
  if (w->ended) return number(env, -EBADF);
  struct epoll_event on = {.events = EPOLLRDHUP | EPOLLONESHOT, .data = {.fd = fd}};
  return number(env, epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &on) < 0 ? -errno : 0);
}

/* unwatch(watcher) -> 0: the callback is not called again; the loop closes the handle (a second unwatch does nothing). */
static napi_value unwatch_listen(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return NULL;
  watcher_t *w = watcher_arg(env, argv[0]);
  if (w == NULL) return NULL;
  watcher_end(w);
  return number(env, 0);
}

/* dup(fd) -> a new descriptor for the same socket (close-on-exec), or -errno. */
static napi_value dup_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return number(env, copy < 0 ? -errno : copy);
}

/*
 * disconnect(fd) -> 0 or -errno: connect(AF_UNSPEC), which takes a TCP socket whose connect failed or
 * is still under way back to CLOSED; a port it was bound to stays its own (Linux keeps a bind the user
 * made), so it can connect again from there.
 */
static napi_value disconnect_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  struct sockaddr unspec;
  memset(&unspec, 0, sizeof unspec);
  unspec.sa_family = AF_UNSPEC;
  return number(env, connect(fd, &unspec, sizeof unspec) < 0 ? -errno : 0);
}

/*
 * shutreading(fd) -> 0 or -errno: shutdown(SHUT_RD), the half Node has no call for (its end() is
 * SHUT_WR). From then on the kernel answers data that comes after this socket's own FIN with a reset,
 * as it does for Python's shutdown(SHUT_RD/SHUT_RDWR).
 */
static napi_value shut_reading(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  return number(env, shutdown(fd, SHUT_RD) < 0 ? -errno : 0);
}

/*
 * shutwriting(fd) -> 0 or -errno: shutdown(SHUT_WR) now. Node's end() asks libuv, which calls
 * shutdown(2) only when the loop next finds the socket writable: a turn later, while the shell has
 * already said FIN_WAIT (Python's shutdown has queued the FIN before it returns). For a socket whose
 * every byte the kernel already holds; Node's own shutdown after it changes nothing.
 */
static napi_value shut_writing(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!args(env, info, 1, argv) || !int_arg(env, argv[0], &fd)) return NULL;
  return number(env, shutdown(fd, SHUT_WR) < 0 ? -errno : 0);
}

static napi_value init(napi_env env, napi_value exports) {
  /* A failure here throws, so require() fails and the engine says why and runs on the event loop
     (returning NULL alone would hand JS the exports object without a function on it). */
  env_state_t *state = malloc(sizeof *state);
  if (state != NULL) state->relay[0] = state->relay[1] = -1;
  if (state == NULL || napi_set_instance_data(env, state, free_state, NULL) != napi_ok) {
    free(state);
    napi_throw_error(env, NULL, "sockshell native: cannot keep the addon's state");
    return NULL;
  }
  napi_property_descriptor all[] = {
      {"wait", NULL, wait_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvmany", NULL, recv_many, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendto", NULL, send_to, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, send_bytes, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvwait", NULL, recv_wait, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendfile", NULL, send_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"splicefile", NULL, splice_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"acceptwait", NULL, accept_wait, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sockname", NULL, sock_name, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unread", NULL, unread_bytes, NULL, NULL, NULL, napi_enumerable, NULL},
      {"revents", NULL, revents_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tcpholders", NULL, tcp_holders, NULL, NULL, NULL, napi_enumerable, NULL},
      {"errname", NULL, err_name, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifname", NULL, if_name, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifindex", NULL, if_index, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getsockopt", NULL, get_option, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setsockopt", NULL, set_option, NULL, NULL, NULL, napi_enumerable, NULL},
      {"socket", NULL, new_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindcheck", NULL, bind_check, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fdkind", NULL, fd_kind, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pumpfds", NULL, pump_fds, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindfd", NULL, bind_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"listenfd", NULL, listen_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"acceptqueue", NULL, accept_queue, NULL, NULL, NULL, napi_enumerable, NULL},
      {"queuedpeers", NULL, queued_peers, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watchlisten", NULL, watch_listen, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwatch", NULL, unwatch_listen, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watchset", NULL, watch_set, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watchadd", NULL, watch_add, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dup", NULL, dup_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"disconnect", NULL, disconnect_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"shutreading", NULL, shut_reading, NULL, NULL, NULL, napi_enumerable, NULL},
      {"shutwriting", NULL, shut_writing, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof all / sizeof all[0], all) != napi_ok) {
    napi_throw_error(env, NULL, "sockshell native: cannot define the addon's functions");
    return NULL;
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
