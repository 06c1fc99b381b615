/*
 * Hostile-client suite: open/close storms, from one thread up to the limit of files and
 * from many threads at once, and an fd closed while another thread uses it.
 */
#include "hostile.h"

#define STORM_THREADS 8
#define STORM_ROUNDS 40

void open_close_storm(void)
{
    int fds[512];
    for (int round = 0; round < 3; round++) {
        int n = 0;
        while (n < 512) {
            int fd = open(node.path, O_RDWR | O_NONBLOCK);
            if (fd < 0) {
                EXPECT(errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == EBUSY);
                break;
            }
            struct v4l2_requestbuffers req = {.count = 1, .type = node.out, .memory = V4L2_MEMORY_MMAP};
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

/* One thread's storm: open, allocate, map, queue, stream, close; a refused open (every
 * file slot taken by the other threads) is fine, anything else is not. */
static void *storm_thread(void *arg)
{
    (void)arg;
    for (int round = 0; round < STORM_ROUNDS; round++) {
        int fd = open(node.path, O_RDWR | O_NONBLOCK);
        if (fd < 0) {
            EXPECT(errno == EBUSY || errno == ENOMEM || errno == EMFILE);
            continue;
        }
        struct v4l2_capability cap;
        EXPECT_OK(ioctl(fd, VIDIOC_QUERYCAP, &cap));
        struct v4l2_requestbuffers req = {.count = 2, .type = node.out, .memory = V4L2_MEMORY_MMAP};
        errno = 0;
        if (ioctl(fd, VIDIOC_REQBUFS, &req) == 0) {
            uint32_t off, len, flags;
            query(fd, node.out, 0, &off, &len, &flags);
            char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
            EXPECT(p != MAP_FAILED);
            if (round % 2)
                EXPECT(munmap(p, len) == 0); /* else left for the close */
            queue_mmap(fd, node.out, 1);
            if (round % 3 == 0)
                streamon(fd, node.out);
        } else if (errno != ENOMEM) { /* ENOMEM: buffer memory taken by the other threads */
            FAIL("REQBUFS during the storm: errno %s, want ENOMEM", strerrorname_np(errno));
        }
        EXPECT_OK(close(fd));
    }
    return NULL;
}

void threaded_open_close_storm(void)
{
    pthread_t th[STORM_THREADS];
    for (int i = 0; i < STORM_THREADS; i++)
        EXPECT(pthread_create(&th[i], NULL, storm_thread, NULL) == 0);
    for (int i = 0; i < STORM_THREADS; i++)
        EXPECT(pthread_join(th[i], NULL) == 0);
    /* Everything was given back: a new open gets buffers. */
    int fd = open_node();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 4);
}

static void *ioctl_loop(void *arg)
{
    int fd = *(int *)arg;
    for (;;) {
        struct v4l2_capability cap;
        errno = 0;
        if (ioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) {
            if (errno != EBADF)
                FAIL("QUERYCAP on an fd closed meanwhile: errno %s, want EBADF", strerrorname_np(errno));
            return NULL;
        }
    }
}

/* Another thread's ioctls on an fd that is closed under them: they succeed until the
 * close, then EBADF. */
void close_under_ioctls(void)
{
    for (int round = 0; round < 20; round++) {
        int fd = open_node();
        pthread_t th;
        EXPECT(pthread_create(&th, NULL, ioctl_loop, &fd) == 0);
        usleep(2000);
        EXPECT_OK(close(fd));
        EXPECT(pthread_join(th, NULL) == 0);
    }
}
