/*
 * Hostile-client suite: USERPTR memory: protection checked at QBUF, Linux's order of
 * checks, and memory the device holds kept from the application's munmap, MAP_FIXED,
 * mremap and mprotect until the buffer is given back.
 */
#include "hostile.h"

/* A USERPTR buffer of `type` over `mem` (`planes` planes of `fmt`, each `len` long). */
static void userptr_buf(struct buf *q, uint32_t type, uint32_t index, const struct v4l2_format *fmt,
                        char **mem, uint32_t planes)
{
    buf_init(q, type, V4L2_MEMORY_USERPTR, index);
    for (uint32_t i = 0; i < planes; i++) {
        buf_set_userptr(q, i, mem[i], fmt_plane_size(fmt, i));
        if (type == node.out)
            buf_set_payload(q, i, 16);
    }
    if (node.mplane)
        q->b.length = planes;
}

void userptr_protection(void)
{
    int fd = open_node();
    struct v4l2_format fmt = get_fmt(fd, node.out);
    reqbufs(fd, node.out, V4L2_MEMORY_USERPTR, 3);
    char *none[1], *ro[1];
    size_t lens[1];
    userptr_planes(&fmt, PROT_NONE, PROT_NONE, none, lens);
    userptr_planes(&fmt, PROT_READ, PROT_READ, ro, lens);
    struct buf q;
    userptr_buf(&q, node.out, 0, &fmt, none, 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EFAULT);
    userptr_buf(&q, node.out, 1, &fmt, ro, 1);
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b)); /* OUTPUT needs readable only */
    /* Unmapped memory and address 0: EFAULT. */
    munmap(none[0], lens[0]);
    userptr_buf(&q, node.out, 2, &fmt, none, 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EFAULT);
    char *zero[1] = {NULL};
    userptr_buf(&q, node.out, 2, &fmt, zero, 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EFAULT);
}

void userptr_capture_needs_writable(void)
{
    int fd = open_node();
    struct v4l2_format fmt = get_fmt(fd, node.cap);
    reqbufs(fd, node.cap, V4L2_MEMORY_USERPTR, 4);
    /* Every plane valid but the last, which is read-only. */
    char *mem[VIDEO_MAX_PLANES];
    size_t lens[VIDEO_MAX_PLANES];
    uint32_t count = userptr_planes(&fmt, PROT_READ | PROT_WRITE, PROT_READ, mem, lens);
    struct buf q;
    userptr_buf(&q, node.cap, 0, &fmt, mem, count);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EFAULT);
    /* Made writable, the same buffer is accepted. */
    EXPECT(mprotect(mem[count - 1], lens[count - 1], PROT_READ | PROT_WRITE) == 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b));
}

/* videobuf2 checks type, index, memory, the plane array, bytesused and data_offset
 * against the lengths, and each length against the format before it pins the memory:
 * each of those mistakes is EINVAL even when the memory is inaccessible too. */
void userptr_errno_order(void)
{
    int fd = open_node();
    struct v4l2_format fmt = get_fmt(fd, node.out);
    uint32_t size = fmt_plane_size(&fmt, 0);
    reqbufs(fd, node.out, V4L2_MEMORY_USERPTR, 2);
    char *none[1];
    size_t lens[1];
    userptr_planes(&fmt, PROT_NONE, PROT_NONE, none, lens);
    struct buf q;
    userptr_buf(&q, node.out, 0, &fmt, none, 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EFAULT); /* the reference: only the memory is bad */
    q.b.index = 7;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    q.b.index = 0;
    q.b.memory = V4L2_MEMORY_MMAP;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    userptr_buf(&q, node.out, 0, &fmt, none, 1);
    if (node.mplane) {
        q.b.length = 0;
        EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
        userptr_buf(&q, node.out, 0, &fmt, none, 1);
        q.planes[0].data_offset = 16;
        EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
        userptr_buf(&q, node.out, 0, &fmt, none, 1);
    }
    buf_set_payload(&q, 0, size + 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    buf_set_payload(&q, 0, 16);
    buf_set_userptr(&q, 0, none[0], size - 1); /* shorter than the format's sizeimage */
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EINVAL);
    buf_set_userptr(&q, 0, none[0], 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    /* Readable memory of the right size is accepted. */
    EXPECT(mprotect(none[0], lens[0], PROT_READ) == 0);
    buf_set_userptr(&q, 0, none[0], size);
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b));
}

void userptr_munmap_is_deferred(void)
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
    reqbufs(fd, node.cap, V4L2_MEMORY_USERPTR, 0);
    for (uint32_t i = 0; i < count; i++)
        EXPECT(!still_mapped(mem[i], lens[i]));
}

void userptr_munmap_released_at_close(void)
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

/* Linux keeps the pages of a queued USERPTR buffer pinned: whatever the application maps
 * over them, the device writes into the pinned pages, never into the new mapping. The
 * simulated device writes through the application's own addresses, so the compat layer
 * refuses to replace, move or protect memory a queued buffer holds (EPERM, as for sealed
 * memory) until the buffer is given back; munmap is deferred instead. */
void userptr_remap_refused(void)
{
    int fd = open_node();
    char *mem[VIDEO_MAX_PLANES];
    size_t lens[VIDEO_MAX_PLANES];
    queue_userptr_capture(fd, mem, lens);
    char *p = mem[0];
    size_t len = lens[0];
    errno = 0;
    EXPECT(mmap(p, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED);
    EXPECT(errno == EPERM);
    EXPECT(mremap(p, len, 2 * len, MREMAP_MAYMOVE) == MAP_FAILED && errno == EPERM);
    EXPECT(mremap(p, len, page, 0) == MAP_FAILED && errno == EPERM);
    char *elsewhere = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT(elsewhere != MAP_FAILED);
    EXPECT(mremap(elsewhere, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED && errno == EPERM);
    EXPECT(mprotect(p, page, PROT_READ) == -1 && errno == EPERM);
    EXPECT(mprotect(p + len - page, page, PROT_NONE) == -1 && errno == EPERM);
    EXPECT(mprotect(p, len, PROT_READ | PROT_WRITE) == 0); /* nothing taken away */
    /* Memory next to it is the application's. */
    EXPECT(mremap(elsewhere, len, 2 * len, MREMAP_MAYMOVE) != MAP_FAILED);
    memset(p, 0x33, len); /* still the application's own mapping */
    /* Given back (REQBUFS 0): everything is allowed again. */
    reqbufs(fd, node.cap, V4L2_MEMORY_USERPTR, 0);
    EXPECT(mprotect(p, page, PROT_READ) == 0);
    EXPECT(mmap(p, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
    EXPECT(mremap(p, len, page, 0) == p);
}
