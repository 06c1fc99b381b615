/*
 * Hostile-client suite: the helpers the cases build on (opens, memory with chosen
 * protections, formats and buffers, blocked threads and signals).
 */
#include "hostile.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

struct node_kind node;
long page;

/* ---------------------------------------------------------------------------------- */
/* The node and its opens.                                                             */

static int has_compressed_format(int fd, uint32_t type)
{
    struct v4l2_fmtdesc d = {.index = 0, .type = type};
    EXPECT_OK(ioctl(fd, VIDIOC_ENUM_FMT, &d));
    return (d.flags & V4L2_FMT_FLAG_COMPRESSED) != 0;
}

static int supports_userptr(int fd, uint32_t type)
{
    struct v4l2_requestbuffers req = {.count = 0, .type = type, .memory = V4L2_MEMORY_MMAP};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    return (req.capabilities & V4L2_BUF_CAP_SUPPORTS_USERPTR) != 0;
}

void describe_node(const char *path)
{
    node.path = path;
    page = sysconf(_SC_PAGESIZE);
    int fd = open_node();
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYCAP, &cap));
    node.mplane = (cap.device_caps & V4L2_CAP_VIDEO_M2M_MPLANE) != 0;
    if (!node.mplane && !(cap.device_caps & V4L2_CAP_VIDEO_M2M))
        FAIL("%s is not a memory-to-memory node (device_caps %#x)", path, cap.device_caps);
    node.out = node.mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
    node.cap = node.mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
    int out_compressed = has_compressed_format(fd, node.out);
    int cap_compressed = has_compressed_format(fd, node.cap);
    if (out_compressed == cap_compressed)
        FAIL("%s: neither a decoder nor an encoder", path);
    node.encoder = cap_compressed;
    node.userptr = supports_userptr(fd, node.out) && supports_userptr(fd, node.cap);
    close(fd);
}

int open_node(void)
{
    int fd = open(node.path, O_RDWR | O_NONBLOCK);
    if (fd < 0)
        FAIL("open %s: %s", node.path, strerror(errno));
    return fd;
}

int open_blocking(void)
{
    int fd = open(node.path, O_RDWR);
    if (fd < 0)
        FAIL("open %s: %s", node.path, strerror(errno));
    return fd;
}

/* ---------------------------------------------------------------------------------- */
/* Memory.                                                                             */

size_t page_round(size_t len)
{
    return (len + page - 1) / page * page;
}

char *map_pages(int pages, const int *prot)
{
    char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        FAIL("mmap: %s", strerror(errno));
    memset(p, 0, pages * page);
    for (int i = 0; i < pages; i++)
        if (mprotect(p + i * page, page, prot[i]))
            FAIL("mprotect: %s", strerror(errno));
    return p;
}

void *unmapped(void)
{
    int rw[] = {PROT_READ | PROT_WRITE};
    char *p = map_pages(1, rw);
    munmap(p, page);
    return p;
}

void *read_only(void)
{
    int ro[] = {PROT_READ};
    return map_pages(1, ro);
}

void *straddling(size_t size, size_t tail)
{
    int prot[] = {PROT_READ | PROT_WRITE, PROT_NONE};
    char *p = map_pages(2, prot);
    return p + page - (size - tail);
}

void protect_page_of(void *p, int prot)
{
    EXPECT(mprotect((char *)p - ((uintptr_t)p % page), page, prot) == 0);
}

/* msync answers ENOMEM for unmapped memory. */
int still_mapped(char *p, size_t len)
{
    for (size_t off = 0; off < len; off += page)
        if (msync(p + off, page, MS_ASYNC) == 0)
            return 1;
    return 0;
}

int overlaps(const char *a, size_t alen, const char *b, size_t blen)
{
    return a < b + blen && b < a + alen;
}

/* ---------------------------------------------------------------------------------- */
/* Formats and buffers.                                                                */

struct v4l2_format get_fmt(int fd, uint32_t type)
{
    struct v4l2_format fmt = {.type = type};
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, &fmt));
    return fmt;
}

uint32_t fmt_planes(const struct v4l2_format *fmt)
{
    return node.mplane ? fmt->fmt.pix_mp.num_planes : 1;
}

uint32_t fmt_plane_size(const struct v4l2_format *fmt, uint32_t plane)
{
    return node.mplane ? fmt->fmt.pix_mp.plane_fmt[plane].sizeimage : fmt->fmt.pix.sizeimage;
}

uint32_t reqbufs(int fd, uint32_t type, uint32_t memory, uint32_t count)
{
    struct v4l2_requestbuffers req = {.count = count, .type = type, .memory = memory};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    EXPECT(req.count >= (count ? 1u : 0u));
    return req.count;
}

void streamon(int fd, uint32_t type)
{
    int t = type;
    EXPECT_OK(ioctl(fd, VIDIOC_STREAMON, &t));
}

void streamoff(int fd, uint32_t type)
{
    int t = type;
    EXPECT_OK(ioctl(fd, VIDIOC_STREAMOFF, &t));
}

void buf_init(struct buf *q, uint32_t type, uint32_t memory, uint32_t index)
{
    memset(q, 0, sizeof *q);
    q->b.type = type;
    q->b.memory = memory;
    q->b.index = index;
    if (node.mplane) {
        q->b.m.planes = q->planes;
        q->b.length = VIDEO_MAX_PLANES;
    }
}

void buf_set_payload(struct buf *q, uint32_t plane, uint32_t bytesused)
{
    if (node.mplane)
        q->planes[plane].bytesused = bytesused;
    else
        q->b.bytesused = bytesused;
}

void buf_set_userptr(struct buf *q, uint32_t plane, void *mem, uint32_t length)
{
    if (node.mplane) {
        q->planes[plane].m.userptr = (unsigned long)mem;
        q->planes[plane].length = length;
    } else {
        q->b.m.userptr = (unsigned long)mem;
        q->b.length = length;
    }
}

uint32_t buf_offset(const struct buf *q, uint32_t plane)
{
    return node.mplane ? q->planes[plane].m.mem_offset : q->b.m.offset;
}

uint32_t buf_length(const struct buf *q, uint32_t plane)
{
    return node.mplane ? q->planes[plane].length : q->b.length;
}

void query(int fd, uint32_t type, uint32_t index, uint32_t *off, uint32_t *len, uint32_t *flags)
{
    struct buf q;
    buf_init(&q, type, V4L2_MEMORY_MMAP, index);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &q.b));
    *off = buf_offset(&q, 0);
    *len = buf_length(&q, 0);
    *flags = q.b.flags;
}

/* Queues MMAP buffer `index` of `type` (OUTPUT: its whole length as payload). */
void queue_mmap(int fd, uint32_t type, uint32_t index)
{
    struct buf q;
    buf_init(&q, type, V4L2_MEMORY_MMAP, index);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &q.b));
    uint32_t planes = node.mplane ? q.b.length : 1;
    for (uint32_t p = 0; p < planes; p++)
        buf_set_payload(&q, p, type == node.out ? buf_length(&q, p) : 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b));
}

uint32_t userptr_planes(const struct v4l2_format *fmt, int prot, int last_prot, char **mem, size_t *lens)
{
    uint32_t count = fmt_planes(fmt);
    for (uint32_t i = 0; i < count; i++) {
        lens[i] = page_round(fmt_plane_size(fmt, i));
        mem[i] = mmap(NULL, lens[i], i + 1 == count ? last_prot : prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT(mem[i] != MAP_FAILED);
    }
    return count;
}

/* Queues CAPTURE buffer 0 with USERPTR memory; returns the number of planes. */
uint32_t queue_userptr_capture(int fd, char **mem, size_t *lens)
{
    struct v4l2_format fmt = get_fmt(fd, node.cap);
    reqbufs(fd, node.cap, V4L2_MEMORY_USERPTR, 4);
    int rw = PROT_READ | PROT_WRITE;
    uint32_t count = userptr_planes(&fmt, rw, rw, mem, lens);
    struct buf q;
    buf_init(&q, node.cap, V4L2_MEMORY_USERPTR, 0);
    for (uint32_t i = 0; i < count; i++)
        buf_set_userptr(&q, i, mem[i], fmt_plane_size(&fmt, i));
    if (node.mplane)
        q.b.length = count;
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b));
    return count;
}

uint32_t ready_output_buffer(int fd)
{
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 1);
    if (node.encoder) {
        reqbufs(fd, node.cap, V4L2_MEMORY_MMAP, 1);
        queue_mmap(fd, node.cap, 0);
        streamon(fd, node.cap);
    }
    queue_mmap(fd, node.out, 0);
    streamon(fd, node.out);
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    EXPECT(poll(&p, 1, 10000) == 1);
    EXPECT(p.revents & POLLOUT);
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* Threads blocked in a call, and signals.                                             */

static void *blocked_main(void *arg)
{
    struct blocked *b = arg;
    errno = 0;
    b->rc = b->call(b);
    b->err = errno;
    __atomic_store_n(&b->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

void block_in(struct blocked *b, int fd, uint32_t type, int (*call)(struct blocked *))
{
    memset(b, 0, sizeof *b);
    b->fd = fd;
    b->type = type;
    b->call = call;
    EXPECT(pthread_create(&b->thread, NULL, blocked_main, b) == 0);
}

int blocked_still(struct blocked *b)
{
    usleep(150 * 1000);
    return !__atomic_load_n(&b->done, __ATOMIC_SEQ_CST);
}

void blocked_join(struct blocked *b)
{
    EXPECT(pthread_join(b->thread, NULL) == 0);
}

int call_dqbuf(struct blocked *b)
{
    struct buf q;
    buf_init(&q, b->type, V4L2_MEMORY_MMAP, 0);
    return ioctl(b->fd, VIDIOC_DQBUF, &q.b);
}

int call_dqevent(struct blocked *b)
{
    struct v4l2_event ev;
    return ioctl(b->fd, VIDIOC_DQEVENT, &ev);
}

int call_poll(struct blocked *b)
{
    struct pollfd p = {.fd = b->fd, .events = POLLPRI};
    return poll(&p, 1, -1);
}

int call_select(struct blocked *b)
{
    fd_set except;
    FD_ZERO(&except);
    FD_SET(b->fd, &except);
    return select(b->fd + 1, NULL, NULL, &except, NULL);
}

int call_epoll(struct blocked *b)
{
    int ep = epoll_create1(0);
    if (ep < 0)
        return -1;
    struct epoll_event ev = {.events = EPOLLPRI | EPOLLET};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, b->fd, &ev))
        return -1;
    struct epoll_event got;
    return epoll_wait(ep, &got, 1, -1);
}

int call_poll_data(struct blocked *b)
{
    struct pollfd p = {.fd = b->fd, .events = POLLIN | POLLOUT};
    return poll(&p, 1, -1) < 0 ? -1 : p.revents;
}

int call_select_data(struct blocked *b)
{
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(b->fd, &rd);
    FD_SET(b->fd, &wr);
    if (select(b->fd + 1, &rd, &wr, NULL, NULL) < 0)
        return -1;
    return (FD_ISSET(b->fd, &rd) ? POLLIN : 0) | (FD_ISSET(b->fd, &wr) ? POLLOUT : 0);
}

int call_epoll_data(struct blocked *b)
{
    int ep = epoll_create1(0);
    if (ep < 0)
        return -1;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, b->fd, &ev))
        return -1;
    struct epoll_event got;
    return epoll_wait(ep, &got, 1, -1) < 0 ? -1 : (int)got.events;
}

static volatile sig_atomic_t handled;

static void on_sigusr1(int sig)
{
    (void)sig;
    handled++;
}

void install_sigusr1(int restart)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr1;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigemptyset(&sa.sa_mask);
    EXPECT(sigaction(SIGUSR1, &sa, NULL) == 0);
}

int sigusr1_count(void)
{
    return handled;
}

void signal_until_done(struct blocked *b, int tries)
{
    int start = handled;
    while (!__atomic_load_n(&b->done, __ATOMIC_SEQ_CST) && handled - start < tries) {
        EXPECT(pthread_kill(b->thread, SIGUSR1) == 0);
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}
