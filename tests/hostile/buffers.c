/*
 * Hostile-client suite: buffer requests with bad plane arrays, plane counts, sizes,
 * indices, types and memory types; QBUF twice, DQBUF when not streaming and into a
 * read-only struct; REQBUFS and CREATE_BUFS extremes and memory switches.
 */
#include "hostile.h"

void planes_bad_pointers(void)
{
    int fd = open_node();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    struct v4l2_buffer buf = {.index = 0, .type = node.out, .memory = V4L2_MEMORY_MMAP, .length = 1};
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

/* videobuf2: no plane array is EINVAL; more than VIDEO_MAX_PLANES is EINVAL before
 * anything is copied; fewer entries than the format's planes is EINVAL. */
void plane_counts(void)
{
    int fd = open_node();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    struct buf q;
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    q.b.length = 0;
    q.b.m.planes = NULL;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &q.b), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EINVAL);
    q.b.length = 1;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EFAULT);
    q.b.m.planes = q.planes;
    q.b.length = 0; /* a plane array of no planes */
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &q.b), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    q.b.length = VIDEO_MAX_PLANES + 1;
    q.b.m.planes = unmapped(); /* not even looked at */
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &q.b), EINVAL);
    q.b.length = 0xffffffff;
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    /* Fewer entries than the CAPTURE format has planes. */
    struct v4l2_format fmt = get_fmt(fd, node.cap);
    uint32_t planes = fmt_planes(&fmt);
    if (planes > 1) {
        reqbufs(fd, node.cap, V4L2_MEMORY_MMAP, 1);
        buf_init(&q, node.cap, V4L2_MEMORY_MMAP, 0);
        q.b.length = planes - 1;
        EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &q.b), EINVAL);
        EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
        q.b.length = planes;
        EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &q.b));
    }
    /* More entries than planes are fine; QUERYBUF answers the real count. */
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &q.b));
    EXPECT(q.b.length == 1);
}

/* videobuf2 (OUTPUT): bytesused beyond the plane's length is EINVAL, so is a data_offset
 * at or past bytesused; CAPTURE sizes are not checked. */
void buffer_sizes(void)
{
    int fd = open_node();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    struct buf q;
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &q.b));
    uint32_t len = buf_length(&q, 0);
    buf_set_payload(&q, 0, len + 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EINVAL);
    buf_set_payload(&q, 0, 0xffffffff);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    if (node.mplane) {
        buf_set_payload(&q, 0, 64);
        q.planes[0].data_offset = 64;
        EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
        q.planes[0].data_offset = 0xffffffff;
        EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
        q.planes[0].data_offset = 63;
        EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b));
    } else {
        buf_set_payload(&q, 0, len);
        EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b));
    }
    /* A CAPTURE buffer's bytesused is the driver's business. */
    reqbufs(fd, node.cap, V4L2_MEMORY_MMAP, 1);
    buf_init(&q, node.cap, V4L2_MEMORY_MMAP, 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYBUF, &q.b));
    buf_set_payload(&q, 0, 0xffffffff);
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b));
}

void bad_indices_types_memory(void)
{
    int fd = open_node();
    struct v4l2_requestbuffers req = {.count = 2, .type = 0, .memory = V4L2_MEMORY_MMAP};
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.type = 0x7fffffff;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.type = V4L2_BUF_TYPE_VBI_CAPTURE;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    /* The other API's type of the same direction. */
    req.type = node.mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT : V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.type = node.out;
    req.memory = 0;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.memory = 0xdead;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.memory = V4L2_MEMORY_OVERLAY;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    req.memory = V4L2_MEMORY_DMABUF; /* no node exports or imports DMABUF */
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    if (!node.userptr) {
        req.memory = V4L2_MEMORY_USERPTR; /* a node without USERPTR memory */
        EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EINVAL);
    }
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    struct buf q;
    uint32_t bad_index[] = {2, 31, 32, 64, 1000, 0xffffffff};
    for (unsigned i = 0; i < sizeof bad_index / sizeof *bad_index; i++) {
        buf_init(&q, node.out, V4L2_MEMORY_MMAP, bad_index[i]);
        EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &q.b), EINVAL);
        EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
        EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EINVAL);
    }
    buf_init(&q, node.out, V4L2_MEMORY_USERPTR, 0); /* not the queue's memory */
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    buf_init(&q, node.out, 0xdead, 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    buf_init(&q, node.cap + 100, V4L2_MEMORY_MMAP, 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    /* CAPTURE has no buffers yet. */
    buf_init(&q, node.cap, V4L2_MEMORY_MMAP, 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYBUF, &q.b), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    int bad_type = 0x55;
    EXPECT_ERR(ioctl(fd, VIDIOC_STREAMON, &bad_type), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_STREAMOFF, &bad_type), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_STREAMON, NULL), EFAULT);
}

/* videobuf2: a buffer already queued (or prepared) cannot be queued again. */
void qbuf_twice(void)
{
    int fd = open_node();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    queue_mmap(fd, node.out, 0);
    struct buf q;
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    buf_set_payload(&q, 0, 16);
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EINVAL);
    q.b.index = 1;
    EXPECT_OK(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b));
    EXPECT_ERR(ioctl(fd, VIDIOC_PREPARE_BUF, &q.b), EINVAL);
    EXPECT_OK(ioctl(fd, VIDIOC_QBUF, &q.b)); /* a prepared buffer can be queued */
    EXPECT_ERR(ioctl(fd, VIDIOC_QBUF, &q.b), EINVAL);
    /* Both still counted once: STREAMOFF gives back exactly two. */
    streamon(fd, node.out);
    streamoff(fd, node.out);
    for (uint32_t i = 0; i < 2; i++) {
        uint32_t off, len, flags;
        query(fd, node.out, i, &off, &len, &flags);
        EXPECT(!(flags & (V4L2_BUF_FLAG_QUEUED | V4L2_BUF_FLAG_DONE)));
    }
}

void dqbuf_not_streaming(void)
{
    int fd = open_node();
    struct buf q;
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &q.b), EINVAL); /* no buffers */
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &q.b), EINVAL);
    queue_mmap(fd, node.out, 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &q.b), EINVAL); /* queued, not streaming */
    int blocking = open_blocking();
    reqbufs(blocking, node.out, V4L2_MEMORY_MMAP, 1);
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    EXPECT_ERR(ioctl(blocking, VIDIOC_DQBUF, &q.b), EINVAL); /* does not block */
    streamon(fd, node.out);
    streamoff(fd, node.out);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &q.b), EINVAL);
}

/* A buffer is ready, and the application's struct (or its plane array) cannot be written:
 * EFAULT, and the buffer is still there for the next DQBUF. (Linux dequeues it before it
 * fails to copy the answer out, so there the buffer is lost; the framework checks that
 * the answer can be written before it dequeues.) */
void dqbuf_read_only_keeps_buffer(void)
{
    int fd = open_node();
    uint32_t index = ready_output_buffer(fd);
    struct buf *ro = straddling(sizeof *ro, 0);
    buf_init(ro, node.out, V4L2_MEMORY_MMAP, 0);
    protect_page_of(ro, PROT_READ);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &ro->b), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &ro->b), EFAULT);
    struct buf q;
    if (node.mplane) {
        buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
        q.b.m.planes = read_only();
        q.b.length = 1;
        EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &q.b), EFAULT);
    }
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    EXPECT(poll(&p, 1, 0) == 1 && (p.revents & POLLOUT));
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    EXPECT_OK(ioctl(fd, VIDIOC_DQBUF, &q.b));
    EXPECT(q.b.index == index);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &q.b), EAGAIN);
}

void reqbufs_create_bufs_extremes(void)
{
    int fd = open_node();
    struct v4l2_requestbuffers req = {.count = 0xffffffff, .type = node.out, .memory = V4L2_MEMORY_MMAP};
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    EXPECT(req.count >= 1 && req.count <= VIDEO_MAX_FRAME);
    req.count = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    EXPECT(req.count == 0);
    struct v4l2_create_buffers cb = {.count = 0xffffffff, .memory = V4L2_MEMORY_MMAP};
    cb.format = get_fmt(fd, node.out);
    errno = 0;
    int rc = ioctl(fd, VIDIOC_CREATE_BUFS, &cb);
    EXPECT((rc == 0 && cb.count >= 1 && cb.count <= VIDEO_MAX_FRAME) || (rc == -1 && errno == ENOBUFS));
    /* Everything is allocated now: one more is ENOBUFS or zero buffers. */
    cb.count = 1;
    rc = ioctl(fd, VIDIOC_CREATE_BUFS, &cb);
    EXPECT((rc == -1 && errno == ENOBUFS) || (rc == 0 && cb.count <= 1));
    /* count 0 only reports the index the next buffer would get. */
    cb.count = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_CREATE_BUFS, &cb));
    EXPECT(cb.count == 0);
    /* A size too small for the format. */
    req.count = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    struct v4l2_create_buffers small = {.count = 1, .memory = V4L2_MEMORY_MMAP};
    small.format = get_fmt(fd, node.out);
    if (node.mplane)
        small.format.fmt.pix_mp.plane_fmt[0].sizeimage = 1;
    else
        small.format.fmt.pix.sizeimage = 1;
    EXPECT_ERR(ioctl(fd, VIDIOC_CREATE_BUFS, &small), EINVAL);
    small.memory = 77;
    EXPECT_ERR(ioctl(fd, VIDIOC_CREATE_BUFS, &small), EINVAL);
    small.memory = V4L2_MEMORY_MMAP;
    small.format.type = 0x55;
    EXPECT_ERR(ioctl(fd, VIDIOC_CREATE_BUFS, &small), EINVAL);
}

/* videobuf2: REQBUFS that would free buffers is EBUSY while
 * the queue streams; CREATE_BUFS of another memory type than the queue's is EINVAL. A
 * queue that is not streaming gives its queued buffers back, mapped ones included. */
void memory_switch_busy(void)
{
    int fd = open_node();
    uint32_t other = node.userptr ? V4L2_MEMORY_USERPTR : V4L2_MEMORY_MMAP;
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    struct v4l2_create_buffers cb = {.count = 1, .memory = V4L2_MEMORY_USERPTR};
    cb.format = get_fmt(fd, node.out);
    EXPECT_ERR(ioctl(fd, VIDIOC_CREATE_BUFS, &cb), EINVAL);
    /* Queued, not streaming: freed. */
    queue_mmap(fd, node.out, 0);
    reqbufs(fd, node.out, other, 2);
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    /* Streaming: EBUSY, whatever the memory and count. */
    queue_mmap(fd, node.out, 0);
    streamon(fd, node.out);
    struct v4l2_requestbuffers req = {.count = 2, .type = node.out, .memory = other};
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EBUSY);
    req.count = 0;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EBUSY);
    req.memory = V4L2_MEMORY_MMAP;
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, &req), EBUSY);
    streamoff(fd, node.out);
    /* Mapped: the buffers are orphaned (V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS), the
     * mapping stays usable until it is gone. */
    uint32_t off, len, flags;
    query(fd, node.out, 1, &off, &len, &flags);
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    EXPECT(p != MAP_FAILED);
    req.memory = other;
    req.count = 2;
    EXPECT_OK(ioctl(fd, VIDIOC_REQBUFS, &req));
    EXPECT(req.capabilities & V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS);
    memset(p, 0x11, len);
    EXPECT(munmap(p, len) == 0);
    /* The other queue was never involved. */
    reqbufs(fd, node.cap, V4L2_MEMORY_MMAP, 1);
}
