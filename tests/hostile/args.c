/*
 * Hostile-client suite: bad argument pointers (Linux: EFAULT from copy_from_user and
 * copy_to_user) and read/write on a node without read/write I/O.
 */
#include "hostile.h"

#include <poll.h>
#include <unistd.h>

void arg_small_integer(void)
{
    int fd = open_node();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, (void *)16), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, (void *)4096), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, NULL), EFAULT);
}

void arg_unmapped(void)
{
    int fd = open_node();
    void *gone = unmapped();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, gone), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_S_FMT, gone), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_REQBUFS, gone), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, gone), ENOENT); /* nothing to copy out yet */
}

void arg_read_only(void)
{
    int fd = open_node();
    struct v4l2_format *fmt = read_only();
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, fmt), EFAULT);
    /* G_FMT reads the type (0: invalid) first: EINVAL, nothing written. */
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, fmt), EINVAL);
    struct v4l2_format *valid = straddling(sizeof *valid, 0);
    valid->type = node.out;
    EXPECT_OK(ioctl(fd, VIDIOC_G_FMT, valid));
    protect_page_of(valid, PROT_READ);
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, valid), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_TRY_FMT, valid), EFAULT);
    /* The process is still alive and the open usable. */
    struct v4l2_capability cap;
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYCAP, &cap));
}

void arg_straddles_page_end(void)
{
    int fd = open_node();
    struct v4l2_capability *cap = straddling(sizeof *cap, 8);
    EXPECT_ERR(ioctl(fd, VIDIOC_QUERYCAP, cap), EFAULT);
    struct v4l2_format *fmt = straddling(sizeof *fmt, 4);
    fmt->type = node.out;
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, fmt), EFAULT);
    struct v4l2_capability *fits = straddling(sizeof *fits, 0);
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYCAP, fits));
}

/* No V4L2 read/write I/O on an m2m node: EINVAL for any length. */
void read_write_einval(void)
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
