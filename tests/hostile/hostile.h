/*
 * Hostile-client suite: shared declarations (assertions, the node under test and the
 * helpers every case builds on). See main.c for how cases run.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* The node under test, as its QUERYCAP, ENUM_FMT and REQBUFS describe it (filled in the
 * case's child before the case runs). */
struct node_kind {
    const char *path;
    int mplane;  /* multi-planar buffer API */
    int encoder; /* raw frames on OUTPUT, a compressed format on CAPTURE */
    int userptr; /* both queues accept USERPTR memory */
    uint32_t out, cap; /* the OUTPUT and CAPTURE buffer types */
};

extern struct node_kind node;
extern long page;

void describe_node(const char *path);

/* Opens */
int open_node(void);     /* O_NONBLOCK */
int open_blocking(void);

/* Memory */
size_t page_round(size_t len);
char *map_pages(int pages, const int *prot); /* one protection per page */
void *unmapped(void);
void *read_only(void);
void *straddling(size_t size, size_t tail); /* last `tail` bytes on a PROT_NONE page */
void protect_page_of(void *p, int prot);
int still_mapped(char *p, size_t len);
int overlaps(const char *a, size_t alen, const char *b, size_t blen);

/* Formats and buffers */
struct v4l2_format get_fmt(int fd, uint32_t type);
uint32_t fmt_planes(const struct v4l2_format *fmt);
uint32_t fmt_plane_size(const struct v4l2_format *fmt, uint32_t plane);
uint32_t reqbufs(int fd, uint32_t type, uint32_t memory, uint32_t count);
void streamon(int fd, uint32_t type);
void streamoff(int fd, uint32_t type);

/* A v4l2_buffer with its own plane array (for the multi-planar API: m.planes points to
 * `planes`, length is `VIDEO_MAX_PLANES`); never copied, always passed by pointer. */
struct buf {
    struct v4l2_buffer b;
    struct v4l2_plane planes[VIDEO_MAX_PLANES];
};
void buf_init(struct buf *q, uint32_t type, uint32_t memory, uint32_t index);
void buf_set_payload(struct buf *q, uint32_t plane, uint32_t bytesused);
void buf_set_userptr(struct buf *q, uint32_t plane, void *mem, uint32_t length);
uint32_t buf_offset(const struct buf *q, uint32_t plane);
uint32_t buf_length(const struct buf *q, uint32_t plane);
void query(int fd, uint32_t type, uint32_t index, uint32_t *off, uint32_t *len, uint32_t *flags);
void queue_mmap(int fd, uint32_t type, uint32_t index);

/* USERPTR planes of `fmt`, one fresh mapping each with protection `prot` (the last plane
 * gets `last_prot`), recorded in `mem`/`lens`; returns the plane count. */
uint32_t userptr_planes(const struct v4l2_format *fmt, int prot, int last_prot, char **mem, size_t *lens);
uint32_t queue_userptr_capture(int fd, char **mem, size_t *lens);

/* An OUTPUT buffer done and ready to be dequeued (and, on an encoder, CAPTURE streaming);
 * returns its index. */
uint32_t ready_output_buffer(int fd);

/* Another thread blocked in a call on the node. */
struct blocked {
    int fd;
    uint32_t type;
    int (*call)(struct blocked *);
    int rc, err;
    volatile int done;
    pthread_t thread;
};
void block_in(struct blocked *b, int fd, uint32_t type, int (*call)(struct blocked *));
int blocked_still(struct blocked *b); /* still inside the call after a grace period */
void blocked_join(struct blocked *b);
int call_dqbuf(struct blocked *b);
int call_dqevent(struct blocked *b);
int call_poll(struct blocked *b);
int call_select(struct blocked *b);
int call_epoll(struct blocked *b);
/* Waits for POLLIN or POLLOUT; the events reported (select: POLLIN and POLLOUT for the
 * read and write sets), -1 on error. */
int call_poll_data(struct blocked *b);
int call_select_data(struct blocked *b);
int call_epoll_data(struct blocked *b);

/* SIGUSR1 with a counting handler, with or without SA_RESTART. */
void install_sigusr1(int restart);
int sigusr1_count(void);
/* Signals the blocked thread until its call returns or `tries` signals were handled. */
void signal_until_done(struct blocked *b, int tries);

#endif
