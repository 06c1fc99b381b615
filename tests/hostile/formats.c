/*
 * Hostile-client suite: S_FMT with sizes that overflow, and S_FMT on a busy queue.
 */
#include "hostile.h"

static void overflow_format(struct v4l2_format *fmt)
{
    if (node.mplane) {
        fmt->fmt.pix_mp.width = 0xffffffff;
        fmt->fmt.pix_mp.height = 0xffffffff;
        fmt->fmt.pix_mp.num_planes = 255;
        for (int i = 0; i < VIDEO_MAX_PLANES; i++) {
            fmt->fmt.pix_mp.plane_fmt[i].sizeimage = 0xffffffff;
            fmt->fmt.pix_mp.plane_fmt[i].bytesperline = 0xffffffff;
        }
    } else {
        fmt->fmt.pix.width = 0xffffffff;
        fmt->fmt.pix.height = 0xffffffff;
        fmt->fmt.pix.sizeimage = 0xffffffff;
        fmt->fmt.pix.bytesperline = 0xffffffff;
    }
}

/* Every size adjusted into range, and the adjusted format's buffers can be allocated. */
void s_fmt_overflow(void)
{
    int fd = open_node();
    uint32_t types[] = {node.out, node.cap};
    for (int t = 0; t < 2; t++) {
        struct v4l2_format fmt = get_fmt(fd, types[t]);
        overflow_format(&fmt);
        EXPECT_OK(ioctl(fd, VIDIOC_TRY_FMT, &fmt));
        overflow_format(&fmt);
        EXPECT_OK(ioctl(fd, VIDIOC_S_FMT, &fmt));
        uint32_t w = node.mplane ? fmt.fmt.pix_mp.width : fmt.fmt.pix.width;
        uint32_t h = node.mplane ? fmt.fmt.pix_mp.height : fmt.fmt.pix.height;
        EXPECT(w >= 1 && w <= 16384 && h >= 1 && h <= 16384);
        uint32_t planes = fmt_planes(&fmt);
        EXPECT(planes >= 1 && planes <= VIDEO_MAX_PLANES);
        for (uint32_t p = 0; p < planes; p++)
            EXPECT(fmt_plane_size(&fmt, p) > 0 && fmt_plane_size(&fmt, p) < 0x40000000);
        reqbufs(fd, types[t], V4L2_MEMORY_MMAP, 1);
        reqbufs(fd, types[t], V4L2_MEMORY_MMAP, 0);
    }
    struct v4l2_format zero = {.type = node.out};
    EXPECT_OK(ioctl(fd, VIDIOC_TRY_FMT, &zero)); /* width 0, pixelformat 0: adjusted */
    struct v4l2_format other = {.type = node.mplane ? V4L2_BUF_TYPE_VIDEO_OUTPUT : V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE};
    EXPECT_ERR(ioctl(fd, VIDIOC_G_FMT, &other), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_S_FMT, &other), EINVAL);
}

/* Drivers refuse S_FMT on a queue with buffers (vb2_is_busy): EBUSY, streaming or not;
 * TRY_FMT and G_FMT still answer. */
void s_fmt_busy(void)
{
    int fd = open_node();
    uint32_t types[] = {node.out, node.cap};
    for (int t = 0; t < 2; t++) {
        uint32_t type = types[t];
        reqbufs(fd, type, V4L2_MEMORY_MMAP, 2);
        struct v4l2_format fmt = get_fmt(fd, type);
        EXPECT_ERR(ioctl(fd, VIDIOC_S_FMT, &fmt), EBUSY);
        EXPECT_OK(ioctl(fd, VIDIOC_TRY_FMT, &fmt));
        streamon(fd, type);
        fmt = get_fmt(fd, type);
        EXPECT_ERR(ioctl(fd, VIDIOC_S_FMT, &fmt), EBUSY);
        overflow_format(&fmt);
        EXPECT_ERR(ioctl(fd, VIDIOC_S_FMT, &fmt), EBUSY);
        streamoff(fd, type);
        reqbufs(fd, type, V4L2_MEMORY_MMAP, 0);
        fmt = get_fmt(fd, type);
        EXPECT_OK(ioctl(fd, VIDIOC_S_FMT, &fmt));
    }
}
