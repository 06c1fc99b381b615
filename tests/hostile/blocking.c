/*
 * Hostile-client suite: another thread acts while one blocks in DQBUF, DQEVENT, poll,
 * select or epoll_wait: STREAMOFF, signals (EINTR without SA_RESTART, the call goes on
 * with it; poll, select and epoll_wait are never restarted) and close of the fd.
 */
#include "hostile.h"

#include <sys/epoll.h>

/* A blocking open whose DQBUF(OUTPUT) waits: OUTPUT streams with nothing queued. */
static int dqbuf_waits(void)
{
    int fd = open_blocking();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    streamon(fd, node.out);
    return fd;
}

/* A blocking open subscribed to an event that does not come: DQEVENT waits, and so does
 * a poll for POLLPRI. */
static int dqevent_waits(void)
{
    int fd = open_blocking();
    struct v4l2_event_subscription sub = {.type = V4L2_EVENT_EOS};
    EXPECT_OK(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub));
    return fd;
}

static void expect_result(struct blocked *b, int err, const char *what)
{
    if (!__atomic_load_n(&b->done, __ATOMIC_SEQ_CST))
        FAIL("%s: the blocked call did not return", what);
    blocked_join(b);
    if (b->rc != -1 || b->err != err)
        FAIL("%s: rc %d errno %s, want %s", what, b->rc, strerrorname_np(b->err), strerrorname_np(err));
}

void streamoff_while_dqbuf_blocks(void)
{
    int fd = dqbuf_waits();
    struct blocked b;
    block_in(&b, fd, node.out, call_dqbuf);
    EXPECT(blocked_still(&b)); /* nothing was queued */
    streamoff(fd, node.out);
    blocked_join(&b);
    if (b.rc != -1 || b.err != EINVAL)
        FAIL("blocked DQBUF after STREAMOFF: rc %d errno %s, want EINVAL", b.rc, strerrorname_np(b.err));
    EXPECT_OK(close(fd));
}

/* Linux (v4l2-mem2mem): with no queue streaming with buffers, poll reports POLLERR; a
 * STREAMOFF wakes every poller. Here the CAPTURE queue streams with one buffer that no
 * OUTPUT data will fill, so a poll for data waits until the STREAMOFF. */
void streamoff_while_poll_blocks(void)
{
    int (*calls[])(struct blocked *) = {call_poll_data, call_select_data, call_epoll_data};
    const char *names[] = {"poll", "select", "epoll_wait"};
    int want[] = {POLLERR, POLLIN | POLLOUT, EPOLLERR};
    for (int i = 0; i < 3; i++) {
        int fd = open_node();
        reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 1);
        reqbufs(fd, node.cap, V4L2_MEMORY_MMAP, 1);
        streamon(fd, node.out);
        queue_mmap(fd, node.cap, 0);
        streamon(fd, node.cap);
        struct blocked b;
        block_in(&b, fd, 0, calls[i]);
        if (!blocked_still(&b))
            FAIL("%s returned %#x with nothing to report", names[i], b.rc);
        streamoff(fd, node.cap);
        blocked_join(&b);
        if (b.rc < 0 || (b.rc & want[i]) != want[i])
            FAIL("%s after STREAMOFF: %#x (errno %s), want %#x", names[i], b.rc, strerrorname_np(b.err), want[i]);
        EXPECT_OK(close(fd));
    }
}

void signal_interrupts_dqbuf(void)
{
    install_sigusr1(0);
    int fd = dqbuf_waits();
    struct blocked b;
    block_in(&b, fd, node.out, call_dqbuf);
    EXPECT(blocked_still(&b));
    signal_until_done(&b, 20);
    expect_result(&b, EINTR, "DQBUF");
    /* The open is as it was: still streaming, nothing done. */
    EXPECT(fcntl(fd, F_SETFL, O_RDWR | O_NONBLOCK) == 0);
    struct buf q;
    buf_init(&q, node.out, V4L2_MEMORY_MMAP, 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQBUF, &q.b), EAGAIN);
}

void signal_restarts_dqbuf(void)
{
    install_sigusr1(1);
    int fd = dqbuf_waits();
    struct blocked b;
    block_in(&b, fd, node.out, call_dqbuf);
    EXPECT(blocked_still(&b));
    int before = sigusr1_count();
    signal_until_done(&b, 3);
    EXPECT(sigusr1_count() - before == 3);
    EXPECT(blocked_still(&b)); /* restarted after each handler */
    streamoff(fd, node.out);
    blocked_join(&b);
    if (b.rc != -1 || b.err != EINVAL)
        FAIL("restarted DQBUF after STREAMOFF: rc %d errno %s, want EINVAL", b.rc, strerrorname_np(b.err));
}

void signal_interrupts_dqevent(void)
{
    install_sigusr1(1);
    int fd = dqevent_waits();
    struct blocked b;
    block_in(&b, fd, 0, call_dqevent);
    EXPECT(blocked_still(&b));
    signal_until_done(&b, 3);
    EXPECT(blocked_still(&b)); /* SA_RESTART: still waiting */
    install_sigusr1(0);
    signal_until_done(&b, 20);
    expect_result(&b, EINTR, "DQEVENT");
    EXPECT(fcntl(fd, F_SETFL, O_RDWR | O_NONBLOCK) == 0);
    struct v4l2_event ev;
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, &ev), ENOENT);
}

/* poll, select and epoll_wait return EINTR even with SA_RESTART (signal(7)). */
void signal_interrupts_poll_select_epoll(void)
{
    install_sigusr1(1);
    int fd = dqevent_waits();
    int (*calls[])(struct blocked *) = {call_poll, call_select, call_epoll};
    const char *names[] = {"poll", "select", "epoll_wait"};
    for (int i = 0; i < 3; i++) {
        struct blocked b;
        block_in(&b, fd, 0, calls[i]);
        if (!blocked_still(&b))
            FAIL("%s returned %d (errno %s) with nothing to report", names[i], b.rc, strerrorname_np(b.err));
        signal_until_done(&b, 20);
        expect_result(&b, EINTR, names[i]);
    }
}

/* Linux: closing the fd does not end a call blocked on it (the call holds the file); the
 * close returns at once, and a signal ends the call. Nothing crashes or hangs. */
void close_while_blocked(void)
{
    install_sigusr1(0);
    int (*calls[])(struct blocked *) = {call_dqbuf, call_dqevent, call_poll, call_select, call_epoll};
    const char *names[] = {"DQBUF", "DQEVENT", "poll", "select", "epoll_wait"};
    for (int i = 0; i < 5; i++) {
        int fd = i == 0 ? dqbuf_waits() : dqevent_waits();
        struct blocked b;
        block_in(&b, fd, node.out, calls[i]);
        if (!blocked_still(&b))
            FAIL("%s returned %d (errno %s) before the close", names[i], b.rc, strerrorname_np(b.err));
        EXPECT_OK(close(fd));
        signal_until_done(&b, 20);
        expect_result(&b, EINTR, names[i]);
    }
    /* The node still works. */
    int fd = open_node();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 1);
}
