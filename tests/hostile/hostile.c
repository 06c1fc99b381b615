/*
 * Hostile-client suite: an application that passes bad pointers, bad indices, bad types,
 * read-only and unmapped memory, and extreme counts and sizes to a V4L2 memory-to-memory
 * decoder node, asserting the errno Linux gives for each.
 *
 * Usage: hostile NODE [CASE...]
 *
 * Every case runs in a forked child with a timeout, so a crash or a hang is a reported
 * failure, not a lost run. The parent never touches the node itself (the child starts the
 * device stack from scratch). Exit status: 0 when every case passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CASE_TIMEOUT_S 20

static const char *node;
static long page;

/* Fails the case (the child exits 1) with where and why. */
#define FAIL(...)                                                                          \
    do {                                                                                   \
        fprintf(stderr, "    %s:%d: ", __FILE__, __LINE__);                                \
        fprintf(stderr, __VA_ARGS__);                                                      \
        fprintf(stderr, "\n");                                                             \
        exit(1);                                                                           \
    } while (0)

/* `call` must fail with errno `want`. */
#define EXPECT_ERR(call, want)                                                             \
    do {                                                                                   \
        errno = 0;                                                                         \
        long rc_ = (long)(call);                                                           \
        int e_ = errno;                                                                    \
        if (rc_ != -1 || e_ != (want))                                                     \
            FAIL("%s: rc %ld errno %s, want %s", #call, rc_, strerrorname_np(e_),           \
                 strerrorname_np(want));                                                   \
    } while (0)

/* `call` must succeed (return 0 or more). */
#define EXPECT_OK(call)                                                                    \
    do {                                                                                   \
        errno = 0;                                                                         \
        long rc_ = (long)(call);                                                           \
        if (rc_ < 0)                                                                       \
            FAIL("%s: rc %ld errno %s", #call, rc_, strerrorname_np(errno));               \
    } while (0)

#define EXPECT(cond)                                                                       \
    do {                                                                                   \
        if (!(cond))                                                                       \
            FAIL("expected %s", #cond);                                                    \
    } while (0)

static int open_node(void)
{
    int fd = open(node, O_RDWR | O_NONBLOCK);
    if (fd < 0)
        FAIL("open %s: %s", node, strerror(errno));
    return fd;
}

static int is_mplane(int fd)
{
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYCAP, &cap));
    return (cap.device_caps & V4L2_CAP_VIDEO_M2M_MPLANE) != 0;
}

static uint32_t out_type(int fd)
{
    return is_mplane(fd) ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
}

static uint32_t cap_type(int fd)
{
    return is_mplane(fd) ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE : V4L2_BUF_TYPE_VIDEO_CAPTURE;
}

/* `pages` fresh pages, each with its protection from `prot` (one entry per page). */
static char *map_pages(int pages, const int *prot)
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

/* An address that was mapped and is not any more. */
static void *unmapped(void)
{
    int rw[] = {PROT_READ | PROT_WRITE};
    char *p = map_pages(1, rw);
    munmap(p, page);
    return p;
}

static void *read_only(void)
{
    int ro[] = {PROT_READ};
    return map_pages(1, ro);
}

/* A buffer of `size` bytes that ends exactly at the start of a PROT_NONE page, with its
 * first `size - tail` bytes readable and writable and the last `tail` bytes inaccessible. */
static void *straddling(size_t size, size_t tail)
{
    int prot[] = {PROT_READ | PROT_WRITE, PROT_NONE};
    char *p = map_pages(2, prot);
    return p + page - (size - tail);
}

static void reqbufs(int fd, uint32_t type, uint32_t memory, uint32_t count)
{
    struct v4l2_requestbuffers req = {.count = count, .type = type, .memory = memory};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    EXPECT(req.count >= (count ? 1u : 0u));
}

/* ---------------------------------------------------------------------------------- */
/* Bad argument pointers (Linux: EFAULT from copy_from_user/copy_to_user).             */

static void arg_small_integer(void)
{
    int fd = open_node();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, (void *)16), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, (void *)4096), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, NULL), EFAULT);
}

static void arg_unmapped(void)
{
    int fd = open_node();
    void *gone = unmapped();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, gone), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_S_FMT, gone), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, gone), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, gone), ENOENT); /* nothing to copy out yet */
}

static void arg_read_only(void)
{
    int fd = open_node();
    struct v4l2_format *fmt = read_only();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, fmt), EFAULT);
    /* G_FMT reads the type (0: invalid) first: EINVAL, nothing written. */
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, fmt), EINVAL);
    struct v4l2_format *valid = straddling(sizeof *valid, 0);
    valid->type = out_type(fd);
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, valid));
    EXPECT(mprotect((char *)valid - ((uintptr_t)valid % page), page, PROT_READ) == 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, valid), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_TRY_FMT, valid), EFAULT);
    /* The process is still alive and the open usable. */
    struct v4l2_capability cap;
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYCAP, &cap));
}

static void arg_straddles_page_end(void)
{
    int fd = open_node();
    struct v4l2_capability *cap = straddling(sizeof *cap, 8);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, cap), EFAULT);
    struct v4l2_format *fmt = straddling(sizeof *fmt, 4);
    fmt->type = out_type(fd);
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, fmt), EFAULT);
    struct v4l2_capability *fits = straddling(sizeof *fits, 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYCAP, fits));
}

/* ---------------------------------------------------------------------------------- */
/* Plane arrays of multi-planar buffers.                                               */

static void planes_bad_pointers(void)
{
    int fd = open_node();
    if (!is_mplane(fd))
        return;
    reqbufs(fd, out_type(fd), V4L2_MEMORY_MMAP, 2);
    struct v4l2_buffer buf = {.index = 0, .type = out_type(fd), .memory = V4L2_MEMORY_MMAP, .length = 1};
    buf.m.planes = unmapped();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EFAULT);
    buf.m.planes = read_only();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EFAULT);
    buf.m.planes = (void *)16;
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EFAULT);
    /* Copied in before the index is looked at: still EFAULT. */
    buf.index = 999;
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EFAULT);
    /* A plane array whose second element crosses into an inaccessible page. */
    buf.index = 0;
    buf.length = 2;
    buf.m.planes = straddling(2 * sizeof(struct v4l2_plane), 8);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EFAULT);
    buf.length = 1;
    buf.m.planes = straddling(sizeof(struct v4l2_plane), 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &buf));
    /* DQBUF with an unmapped plane array: EFAULT, never a crash. */
    buf.m.planes = unmapped();
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &buf), EFAULT);
}

static void planes_null_or_empty(void)
{
    int fd = open_node();
    if (!is_mplane(fd))
        return;
    reqbufs(fd, out_type(fd), V4L2_MEMORY_MMAP, 2);
    struct v4l2_buffer buf = {.index = 0, .type = out_type(fd), .memory = V4L2_MEMORY_MMAP};
    buf.length = 0;
    buf.m.planes = NULL;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &buf), EINVAL);
    buf.length = 1;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), EFAULT);
    struct v4l2_plane planes[VIDEO_MAX_PLANES + 1];
    memset(planes, 0, sizeof planes);
    buf.m.planes = planes;
    buf.length = VIDEO_MAX_PLANES + 1;
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EINVAL);
    buf.length = 1;
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &buf));
}

/* ---------------------------------------------------------------------------------- */
/* Control arrays of EXT_CTRLS.                                                        */

static void controls_bad_arrays(void)
{
    int fd = open_node();
    struct v4l2_ext_controls cs = {.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1};
    cs.controls = unmapped();
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_TRY_EXT_CTRLS, &cs), EFAULT);
    cs.controls = NULL;
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EFAULT);
    cs.count = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs));
    cs.count = V4L2_CID_MAX_CTRLS + 1;
    cs.controls = unmapped();
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EINVAL);

    /* A bad tail is EFAULT even though the first control's id is invalid: the whole
     * array is copied before anything is validated. */
    struct v4l2_ext_control *two = straddling(2 * sizeof *two, 4);
    two[0].id = 0x12345678;
    cs.count = 2;
    cs.controls = two;
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EFAULT);

    /* A read-only array: the values cannot be copied back. */
    struct v4l2_ext_control *ro = straddling(sizeof *ro, 0);
    ro->id = V4L2_CID_MIN_BUFFERS_FOR_CAPTURE;
    struct v4l2_ext_controls one = {.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = ro};
    EXPECT_OK(ioctl(fd, VIDIOC_G_EXT_CTRLS, &one));
    EXPECT(ro->value > 0);
    EXPECT(mprotect((char *)ro - ((uintptr_t)ro % page), page, PROT_READ) == 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &one), EFAULT);
    /* An invalid id in a good array: EINVAL, error_idx at the control. */
    struct v4l2_ext_control bad[2];
    memset(bad, 0, sizeof bad);
    bad[0].id = V4L2_CID_MIN_BUFFERS_FOR_CAPTURE;
    bad[1].id = 0x12345678;
    struct v4l2_ext_controls two_ok = {.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 2, .controls = bad};
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &two_ok), EINVAL);
    EXPECT(two_ok.error_idx == 1 || two_ok.error_idx == 2);
}

/* ---------------------------------------------------------------------------------- */
/* USERPTR memory: protection checked at QBUF.                                         */

static void userptr_protection(void)
{
    int fd = open_node();
    uint32_t type = out_type(fd);
    struct v4l2_format fmt = {.type = type};
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, &fmt));
    uint32_t size = is_mplane(fd) ? fmt.fmt.pix_mp.plane_fmt[0].sizeimage : fmt.fmt.pix.sizeimage;
    size_t len = (size + page - 1) / page * page;
    reqbufs(fd, type, V4L2_MEMORY_USERPTR, 2);
    char *none = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *ro = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *rw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT(none != MAP_FAILED && ro != MAP_FAILED && rw != MAP_FAILED);
    struct v4l2_plane plane;
    struct v4l2_buffer buf = {.index = 0, .type = type, .memory = V4L2_MEMORY_USERPTR};
    char *tries[] = {none, ro};
    int want[] = {EFAULT, 0};
    for (int i = 0; i < 2; i++) {
        memset(&plane, 0, sizeof plane);
        plane.m.userptr = (unsigned long)tries[i];
        plane.length = size;
        plane.bytesused = 16;
        if (is_mplane(fd)) {
            buf.m.planes = &plane;
            buf.length = 1;
        } else {
            buf.m.userptr = (unsigned long)tries[i];
            buf.length = size;
            buf.bytesused = 16;
        }
        buf.index = i;
        if (want[i])
            EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), want[i]);
        else
            EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &buf)); /* OUTPUT needs readable only */
    }
    /* Unmapped memory: EFAULT. */
    munmap(none, len);
    buf.index = 1;
    if (is_mplane(fd))
        plane.m.userptr = (unsigned long)none;
    else
        buf.m.userptr = (unsigned long)none;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), EFAULT);
}

static void userptr_capture_needs_writable(void)
{
    int fd = open_node();
    uint32_t type = cap_type(fd);
    struct v4l2_format fmt = {.type = type};
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, &fmt));
    int mp = is_mplane(fd);
    uint32_t count = mp ? fmt.fmt.pix_mp.num_planes : 1;
    struct v4l2_requestbuffers req = {.count = 4, .type = type, .memory = V4L2_MEMORY_USERPTR};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    /* Every plane valid but the last, which is read-only. */
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    memset(planes, 0, sizeof planes);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t size = mp ? fmt.fmt.pix_mp.plane_fmt[i].sizeimage : fmt.fmt.pix.sizeimage;
        size_t len = (size + page - 1) / page * page;
        int prot = i + 1 == count ? PROT_READ : PROT_READ | PROT_WRITE;
        char *mem = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT(mem != MAP_FAILED);
        planes[i].m.userptr = (unsigned long)mem;
        planes[i].length = size;
    }
    struct v4l2_buffer buf = {.index = 0, .type = type, .memory = V4L2_MEMORY_USERPTR};
    if (mp) {
        buf.m.planes = planes;
        buf.length = count;
    } else {
        buf.m.userptr = planes[0].m.userptr;
        buf.length = planes[0].length;
    }
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &buf), EFAULT);
    /* Made writable, the same buffer is accepted. */
    uint32_t size = mp ? fmt.fmt.pix_mp.plane_fmt[count - 1].sizeimage : fmt.fmt.pix.sizeimage;
    EXPECT(mprotect((void *)planes[count - 1].m.userptr, (size + page - 1) / page * page, PROT_READ | PROT_WRITE) == 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &buf));
}

/* Queues CAPTURE buffer 0 with USERPTR memory (one fresh mapping per plane, recorded in
 * `mem`/`lens`); returns the number of planes. */
static uint32_t queue_userptr_capture(int fd, char **mem, size_t *lens)
{
    uint32_t type = cap_type(fd);
    struct v4l2_format fmt = {.type = type};
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, &fmt));
    int mp = is_mplane(fd);
    uint32_t count = mp ? fmt.fmt.pix_mp.num_planes : 1;
    struct v4l2_requestbuffers req = {.count = 4, .type = type, .memory = V4L2_MEMORY_USERPTR};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    memset(planes, 0, sizeof planes);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t size = mp ? fmt.fmt.pix_mp.plane_fmt[i].sizeimage : fmt.fmt.pix.sizeimage;
        lens[i] = (size + page - 1) / page * page;
        mem[i] = mmap(NULL, lens[i], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT(mem[i] != MAP_FAILED);
        planes[i].m.userptr = (unsigned long)mem[i];
        planes[i].length = size;
    }
    struct v4l2_buffer buf = {.index = 0, .type = type, .memory = V4L2_MEMORY_USERPTR};
    if (mp) {
        buf.m.planes = planes;
        buf.length = count;
    } else {
        buf.m.userptr = planes[0].m.userptr;
        buf.length = planes[0].length;
    }
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &buf));
    return count;
}

static int overlaps(const char *a, size_t alen, const char *b, size_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Whether any page of the range is mapped (msync answers ENOMEM for unmapped memory). */
static int still_mapped(char *p, size_t len)
{
    for (size_t off = 0; off < len; off += page)
        if (msync(p + off, page, MS_ASYNC) == 0)
            return 1;
    return 0;
}

static void userptr_munmap_is_deferred(void)
{
    int fd = open_node();
    char *mem[VIDEO_MAX_PLANES];
    size_t lens[VIDEO_MAX_PLANES];
    uint32_t count = queue_userptr_capture(fd, mem, lens);
    /* The application unmaps memory the device holds and maps new memory of the same
     * sizes: the new memory must not be where the device may still write. */
    for (uint32_t i = 0; i < count; i++)
        EXPECT(munmap(mem[i], lens[i]) == 0);
    for (uint32_t i = 0; i < count; i++) {
        char *fresh = mmap(NULL, lens[i], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT(fresh != MAP_FAILED);
        for (uint32_t j = 0; j < count; j++)
            if (overlaps(fresh, lens[i], mem[j], lens[j]))
                FAIL("new memory at %p overlaps plane %u of a queued USERPTR buffer", (void *)fresh, j);
    }
    /* Once the buffers are freed, the memory is really unmapped. */
    struct v4l2_requestbuffers none = {.count = 0, .type = cap_type(fd), .memory = V4L2_MEMORY_USERPTR};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &none));
    for (uint32_t i = 0; i < count; i++)
        EXPECT(!still_mapped(mem[i], lens[i]));
}

static void userptr_munmap_released_at_close(void)
{
    int fd = open_node();
    char *mem[VIDEO_MAX_PLANES];
    size_t lens[VIDEO_MAX_PLANES];
    uint32_t count = queue_userptr_capture(fd, mem, lens);
    for (uint32_t i = 0; i < count; i++)
        EXPECT(munmap(mem[i], lens[i]) == 0);
    EXPECT_OK(close(fd));
    for (uint32_t i = 0; i < count; i++)
        EXPECT(!still_mapped(mem[i], lens[i]));
    /* Memory no buffer holds is unmapped at once. */
    int rw[] = {PROT_READ | PROT_WRITE};
    char *p = map_pages(1, rw);
    EXPECT(munmap(p, page) == 0);
    EXPECT(!still_mapped(p, page));
}

/* ---------------------------------------------------------------------------------- */
/* read/write: no V4L2 read/write I/O on an m2m node.                                  */

static void read_write_einval(void)
{
    int fd = open_node();
    uint64_t v = 1;
    char big[64];
    EXPECT_ERR(read(fd, &v, 8), EINVAL);
    EXPECT_ERR(write(fd, &v, 8), EINVAL);
    EXPECT_ERR(read(fd, big, sizeof big), EINVAL);
    EXPECT_ERR(write(fd, big, 1), EINVAL);
    /* The 8-byte write must not have made the open look ready for an event. */
    struct pollfd p = {.fd = fd, .events = POLLPRI};
    EXPECT(poll(&p, 1, 0) == 0 || !(p.revents & POLLPRI));
}

/* ---------------------------------------------------------------------------------- */
/* Indices, types, memory types, counts, sizes, offsets.                               */

static void bad_indices_types_memory(void)
{
    int fd = open_node();
    uint32_t type = out_type(fd);
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    memset(planes, 0, sizeof planes);
    struct v4l2_requestbuffers req = {.count = 2, .type = 0, .memory = V4L2_MEMORY_MMAP};
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.type = 0x7fffffff;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.type = V4L2_BUF_TYPE_VBI_CAPTURE;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.type = type;
    req.memory = 0;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.memory = 0xdead;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.memory = V4L2_MEMORY_OVERLAY;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    reqbufs(fd, type, V4L2_MEMORY_MMAP, 2);
    struct v4l2_buffer buf = {.type = type, .memory = V4L2_MEMORY_MMAP, .length = 1, .m.planes = planes};
    if (!is_mplane(fd))
        buf.m.offset = 0;
    uint32_t bad_index[] = {2, 31, 32, 1000, 0xffffffff};
    for (unsigned i = 0; i < sizeof bad_index / sizeof *bad_index; i++) {
        buf.index = bad_index[i];
        if (is_mplane(fd))
            buf.m.planes = planes;
        EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &buf), EINVAL);
        EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), EINVAL);
    }
    buf.index = 0;
    buf.memory = V4L2_MEMORY_USERPTR; /* not the queue's memory */
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), EINVAL);
    buf.memory = V4L2_MEMORY_MMAP;
    buf.type = cap_type(fd) + 100;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &buf), EINVAL);
    int bad_type = 0x55;
    EXPECT_ERR(ioctl(fd, VIDIOC_STREAMON, &bad_type), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_STREAMOFF, &bad_type), EINVAL);
    /* DQBUF on a queue that is not streaming. */
    buf.type = type;
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &buf), EINVAL);
}

static void reqbufs_create_bufs_extremes(void)
{
    int fd = open_node();
    uint32_t type = out_type(fd);
    struct v4l2_requestbuffers req = {.count = 0xffffffff, .type = type, .memory = V4L2_MEMORY_MMAP};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    EXPECT(req.count >= 1 && req.count <= VIDEO_MAX_FRAME);
    req.count = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    EXPECT(req.count == 0);
    struct v4l2_create_buffers cb = {.count = 0xffffffff, .memory = V4L2_MEMORY_MMAP};
    cb.format.type = type;
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, &cb.format));
    errno = 0;
    int rc = ioctl(fd, VIDIOC_CREATE_BUFS, &cb);
    EXPECT((rc == 0 && cb.count >= 1 && cb.count <= VIDEO_MAX_FRAME) || (rc == -1 && errno == ENOBUFS));
    /* Everything is allocated now: one more is ENOBUFS or zero buffers. */
    cb.count = 1;
    rc = ioctl(fd, VIDIOC_CREATE_BUFS, &cb);
    EXPECT((rc == -1 && errno == ENOBUFS) || (rc == 0 && cb.count <= 1));
    /* A size too small for the format. */
    req.count = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    struct v4l2_create_buffers small = {.count = 1, .memory = V4L2_MEMORY_MMAP};
    small.format.type = type;
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, &small.format));
    if (is_mplane(fd))
        small.format.fmt.pix_mp.plane_fmt[0].sizeimage = 1;
    else
        small.format.fmt.pix.sizeimage = 1;
    EXPECT_ERR(ioctl(fd, VIDIOC_CREATE_BUFS, &small), EINVAL);
    small.memory = 77;
    EXPECT_ERR(ioctl(fd, VIDIOC_CREATE_BUFS, &small), EINVAL);
}

static void s_fmt_overflow(void)
{
    int fd = open_node();
    uint32_t types[] = {out_type(fd), cap_type(fd)};
    for (int t = 0; t < 2; t++) {
        struct v4l2_format fmt = {.type = types[t]};
        EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, &fmt));
        if (is_mplane(fd)) {
            fmt.fmt.pix_mp.width = 0xffffffff;
            fmt.fmt.pix_mp.height = 0xffffffff;
            fmt.fmt.pix_mp.num_planes = 255;
            for (int i = 0; i < VIDEO_MAX_PLANES; i++) {
                fmt.fmt.pix_mp.plane_fmt[i].sizeimage = 0xffffffff;
                fmt.fmt.pix_mp.plane_fmt[i].bytesperline = 0xffffffff;
            }
        } else {
            fmt.fmt.pix.width = 0xffffffff;
            fmt.fmt.pix.height = 0xffffffff;
            fmt.fmt.pix.sizeimage = 0xffffffff;
            fmt.fmt.pix.bytesperline = 0xffffffff;
        }
        EXPECT_OK(ioctl(fd, VIDIOC_TRY_FMT, &fmt));
        EXPECT_OK(ioctl(fd, VIDIOC_S_FMT, &fmt));
        uint32_t w = is_mplane(fd) ? fmt.fmt.pix_mp.width : fmt.fmt.pix.width;
        uint32_t h = is_mplane(fd) ? fmt.fmt.pix_mp.height : fmt.fmt.pix.height;
        EXPECT(w <= 16384 && h <= 16384);
        if (is_mplane(fd))
            EXPECT(fmt.fmt.pix_mp.num_planes >= 1 && fmt.fmt.pix_mp.num_planes <= VIDEO_MAX_PLANES);
        /* The buffers of the clamped format can be allocated. */
        reqbufs(fd, types[t], V4L2_MEMORY_MMAP, 1);
        struct v4l2_requestbuffers none = {.count = 0, .type = types[t], .memory = V4L2_MEMORY_MMAP};
        EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &none));
    }
    struct v4l2_format zero = {.type = out_type(fd)};
    EXPECT_OK(ioctl(fd, VIDIOC_TRY_FMT, &zero)); /* width 0, pixelformat 0: adjusted */
}

static void mmap_offsets(void)
{
    int fd = open_node();
    uint32_t type = out_type(fd);
    reqbufs(fd, type, V4L2_MEMORY_MMAP, 2);
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    struct v4l2_buffer buf = {.index = 0, .type = type, .memory = V4L2_MEMORY_MMAP, .length = 1, .m.planes = planes};
    if (!is_mplane(fd))
        buf.length = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &buf));
    uint32_t off = is_mplane(fd) ? planes[0].m.mem_offset : buf.m.offset;
    uint32_t len = is_mplane(fd) ? planes[0].length : buf.length;
    EXPECT(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0x7fff0000) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off + page) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, 0, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, off) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, len + 16 * page, PROT_READ, MAP_SHARED, fd, off) == MAP_FAILED && errno == EINVAL);
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    EXPECT(p != MAP_FAILED);
    memset(p, 0x5a, len);
    EXPECT(munmap(p, len) == 0);
}

/* The offset, length and flags of buffer `index` of `type`. */
static void query(int fd, uint32_t type, uint32_t index, uint32_t *off, uint32_t *len, uint32_t *flags)
{
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    memset(planes, 0, sizeof planes);
    struct v4l2_buffer buf = {.index = index, .type = type, .memory = V4L2_MEMORY_MMAP};
    if (is_mplane(fd)) {
        buf.m.planes = planes;
        buf.length = VIDEO_MAX_PLANES;
    }
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &buf));
    *off = is_mplane(fd) ? planes[0].m.mem_offset : buf.m.offset;
    *len = is_mplane(fd) ? planes[0].length : buf.length;
    *flags = buf.flags;
}

static void mmap_partial_munmap(void)
{
    int fd = open_node();
    uint32_t type = out_type(fd), off, len, flags;
    reqbufs(fd, type, V4L2_MEMORY_MMAP, 1);
    query(fd, type, 0, &off, &len, &flags);
    EXPECT(len > 2 * page);
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    EXPECT(p != MAP_FAILED);
    query(fd, type, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    EXPECT(munmap(p, page) == 0);
    query(fd, type, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED); /* the rest is still mapped */
    EXPECT(munmap(p + len - page, page) == 0);
    query(fd, type, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    EXPECT(munmap(p + page, len - 2 * page) == 0);
    query(fd, type, 0, &off, &len, &flags);
    EXPECT(!(flags & V4L2_BUF_FLAG_MAPPED));
}

static void mmap_no_aliasing_after_reqbufs(void)
{
    int fd = open_node();
    uint32_t type = out_type(fd), off, len, flags;
    reqbufs(fd, type, V4L2_MEMORY_MMAP, 1);
    query(fd, type, 0, &off, &len, &flags);
    char *old = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    EXPECT(old != MAP_FAILED);
    memset(old, 0xaa, len);
    EXPECT(munmap(old, page) == 0); /* partial: the tail stays mapped */
    struct v4l2_requestbuffers none = {.count = 0, .type = type, .memory = V4L2_MEMORY_MMAP};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &none));
    reqbufs(fd, type, V4L2_MEMORY_MMAP, 2);
    for (uint32_t i = 0; i < 2; i++) {
        query(fd, type, i, &off, &len, &flags);
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
        EXPECT(p != MAP_FAILED);
        memset(p, 0x55, len);
    }
    for (size_t i = page; i < len; i += 512)
        if ((unsigned char)old[i] != 0xaa)
            FAIL("the old mapping's byte %zu changed: memory of a freed buffer was reused while mapped", i);
}

static void mmap_fixed_over_a_buffer(void)
{
    int fd = open_node();
    uint32_t type = out_type(fd), off, len, flags;
    reqbufs(fd, type, V4L2_MEMORY_MMAP, 2);
    query(fd, type, 0, &off, &len, &flags);
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    EXPECT(p != MAP_FAILED);
    /* Anonymous memory over the first half: the buffer stays mapped by its second half. */
    size_t half = (len / 2) / page * page;
    EXPECT(mmap(p, half, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
    query(fd, type, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    /* Buffer 1 over the rest: buffer 0 is not mapped any more, buffer 1 is. */
    uint32_t off1, len1;
    query(fd, type, 1, &off1, &len1, &flags);
    EXPECT(mmap(p + half, len1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off1) == p + half);
    query(fd, type, 0, &off, &len, &flags);
    EXPECT(!(flags & V4L2_BUF_FLAG_MAPPED));
    query(fd, type, 1, &off1, &len1, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    EXPECT(munmap(p, half + len1) == 0);
    query(fd, type, 1, &off1, &len1, &flags);
    EXPECT(!(flags & V4L2_BUF_FLAG_MAPPED));
}

/* ---------------------------------------------------------------------------------- */
/* Events.                                                                             */

static void event_misuse(void)
{
    int fd = open_node();
    struct v4l2_event_subscription sub = {.type = 0x12345};
    EXPECT_ERR(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub), EINVAL);
    sub.type = V4L2_EVENT_CTRL;
    sub.id = 0x12345678;
    EXPECT_ERR(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub), EINVAL);
    sub.type = V4L2_EVENT_EOS;
    sub.id = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub));
    EXPECT_OK(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub));
    struct v4l2_event ev;
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, &ev), ENOENT);
    EXPECT_OK(ioctl(fd, VIDIOC_UNSUBSCRIBE_EVENT, &sub));
    EXPECT_OK(ioctl(fd, VIDIOC_UNSUBSCRIBE_EVENT, &sub));
    sub.type = V4L2_EVENT_ALL;
    EXPECT_OK(ioctl(fd, VIDIOC_UNSUBSCRIBE_EVENT, &sub));
    EXPECT_ERR(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub), EINVAL);
    sub.type = V4L2_EVENT_SOURCE_CHANGE;
    sub.flags = 0xffffffff;
    int rc = ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub);
    EXPECT(rc == 0 || errno == EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, unmapped()), ENOENT);
}

/* ---------------------------------------------------------------------------------- */
/* Another thread acting while one blocks.                                             */

struct blocked_dqbuf {
    int fd;
    uint32_t type;
    int mplane;
    int rc;
    int err;
};

static void *dqbuf_thread(void *arg)
{
    struct blocked_dqbuf *b = arg;
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
    memset(planes, 0, sizeof planes);
    struct v4l2_buffer buf = {.type = b->type, .memory = V4L2_MEMORY_MMAP};
    if (b->mplane) {
        buf.m.planes = planes;
        buf.length = VIDEO_MAX_PLANES;
    }
    errno = 0;
    b->rc = ioctl(b->fd, VIDIOC_DQBUF, &buf);
    b->err = errno;
    return NULL;
}

static void streamoff_while_dqbuf_blocks(void)
{
    int fd = open(node, O_RDWR); /* blocking */
    EXPECT(fd >= 0);
    uint32_t type = out_type(fd);
    reqbufs(fd, type, V4L2_MEMORY_MMAP, 2);
    int t = type;
    EXPECT_OK(ioctl(fd, VIDIOC_STREAMON, &t));
    struct blocked_dqbuf b = {.fd = fd, .type = type, .mplane = is_mplane(fd), .rc = 1};
    pthread_t th;
    EXPECT(pthread_create(&th, NULL, dqbuf_thread, &b) == 0);
    usleep(200 * 1000);
    EXPECT(b.rc == 1); /* still blocked: nothing was queued */
    EXPECT_OK(ioctl(fd, VIDIOC_STREAMOFF, &t));
    EXPECT(pthread_join(th, NULL) == 0);
    if (b.rc != -1 || b.err != EINVAL)
        FAIL("blocked DQBUF after STREAMOFF: rc %d errno %s, want EINVAL", b.rc, strerrorname_np(b.err));
    EXPECT_OK(close(fd));
}

/* ---------------------------------------------------------------------------------- */
/* Opens and closes.                                                                   */

static void open_close_storm(void)
{
    int fds[512];
    int n = 0;
    for (int round = 0; round < 3; round++) {
        n = 0;
        while (n < 512) {
            int fd = open(node, O_RDWR | O_NONBLOCK);
            if (fd < 0) {
                EXPECT(errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == EBUSY);
                break;
            }
            struct v4l2_requestbuffers req = {.count = 1, .type = out_type(fd), .memory = V4L2_MEMORY_MMAP};
            EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
            fds[n++] = fd;
        }
        EXPECT(n >= 2);
        for (int i = 0; i < n; i++)
            EXPECT_OK(close(fds[i]));
    }
    int fd = open_node();
    EXPECT_OK(close(fd));
    EXPECT_ERR(close(fd), EBADF);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, NULL), EBADF);
}

/* ---------------------------------------------------------------------------------- */

struct hostile_case {
    const char *name;
    void (*run)(void);
};

static const struct hostile_case cases[] = {
    {"arg_small_integer", arg_small_integer},
    {"arg_unmapped", arg_unmapped},
    {"arg_read_only", arg_read_only},
    {"arg_straddles_page_end", arg_straddles_page_end},
    {"planes_bad_pointers", planes_bad_pointers},
    {"planes_null_or_empty", planes_null_or_empty},
    {"controls_bad_arrays", controls_bad_arrays},
    {"userptr_protection", userptr_protection},
    {"userptr_capture_needs_writable", userptr_capture_needs_writable},
    {"userptr_munmap_is_deferred", userptr_munmap_is_deferred},
    {"userptr_munmap_released_at_close", userptr_munmap_released_at_close},
    {"read_write_einval", read_write_einval},
    {"bad_indices_types_memory", bad_indices_types_memory},
    {"reqbufs_create_bufs_extremes", reqbufs_create_bufs_extremes},
    {"s_fmt_overflow", s_fmt_overflow},
    {"mmap_offsets", mmap_offsets},
    {"mmap_partial_munmap", mmap_partial_munmap},
    {"mmap_no_aliasing_after_reqbufs", mmap_no_aliasing_after_reqbufs},
    {"mmap_fixed_over_a_buffer", mmap_fixed_over_a_buffer},
    {"event_misuse", event_misuse},
    {"streamoff_while_dqbuf_blocks", streamoff_while_dqbuf_blocks},
    {"open_close_storm", open_close_storm},
};

/* Runs one case in a child; 0 when it passed. */
static int run_case(const struct hostile_case *c)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        alarm(CASE_TIMEOUT_S);
        c->run();
        _exit(0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("ok      %s\n", c->name);
        return 0;
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        printf("FAILED  %s: hung (no answer in %d s)\n", c->name, CASE_TIMEOUT_S);
    else if (WIFSIGNALED(status))
        printf("FAILED  %s: killed by signal %d (%s)\n", c->name, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        printf("FAILED  %s\n", c->name);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s NODE [CASE...]\n", argv[0]);
        return 2;
    }
    node = argv[1];
    page = sysconf(_SC_PAGESIZE);
    int failed = 0, ran = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int wanted = argc == 2;
        for (int a = 2; a < argc; a++)
            wanted |= strcmp(argv[a], cases[i].name) == 0;
        if (!wanted)
            continue;
        ran++;
        failed += run_case(&cases[i]);
    }
    printf("%s: %d cases, %d failed\n", node, ran, failed);
    return failed != 0 || ran == 0;
}
