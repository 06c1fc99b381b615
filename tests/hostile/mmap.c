/*
 * Hostile-client suite: mmap of buffers with bad offsets, lengths and flags, and the
 * bookkeeping of partial munmaps and MAP_FIXED mappings over buffer mappings.
 */
#include "hostile.h"

void mmap_offsets(void)
{
    int fd = open_node();
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    uint32_t off, len, flags;
    query(fd, node.out, 0, &off, &len, &flags);
    int rw = PROT_READ | PROT_WRITE;
    EXPECT(mmap(NULL, len, rw, MAP_SHARED, fd, 0x7fff0000) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, len, rw, MAP_SHARED, fd, off + page) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, len, rw, MAP_SHARED, fd, off + 1) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, 0, rw, MAP_SHARED, fd, off) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, len, rw, MAP_PRIVATE, fd, off) == MAP_FAILED && errno == EINVAL);
    EXPECT(mmap(NULL, len + 16 * page, PROT_READ, MAP_SHARED, fd, off) == MAP_FAILED && errno == EINVAL);
    char *p = mmap(NULL, len, rw, MAP_SHARED, fd, off);
    EXPECT(p != MAP_FAILED);
    memset(p, 0x5a, len);
    EXPECT(munmap(p, len) == 0);
    /* No buffers: nothing to map. */
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 0);
    EXPECT(mmap(NULL, len, rw, MAP_SHARED, fd, off) == MAP_FAILED && errno == EINVAL);
}

void mmap_partial_munmap(void)
{
    int fd = open_node();
    uint32_t off, len, flags;
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 1);
    query(fd, node.out, 0, &off, &len, &flags);
    size_t span = page_round(len);
    EXPECT(span > 2 * (size_t)page);
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    EXPECT(p != MAP_FAILED);
    query(fd, node.out, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    EXPECT(munmap(p, page) == 0);
    query(fd, node.out, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED); /* the rest is still mapped */
    EXPECT(munmap(p + span - page, page) == 0);
    query(fd, node.out, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    EXPECT(munmap(p + page, span - 2 * page) == 0);
    query(fd, node.out, 0, &off, &len, &flags);
    EXPECT(!(flags & V4L2_BUF_FLAG_MAPPED));
}

void mmap_no_aliasing_after_reqbufs(void)
{
    int fd = open_node();
    uint32_t off, len, flags;
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 1);
    query(fd, node.out, 0, &off, &len, &flags);
    char *old = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    EXPECT(old != MAP_FAILED);
    memset(old, 0xaa, len);
    EXPECT(munmap(old, page) == 0); /* partial: the tail stays mapped */
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 0);
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    for (uint32_t i = 0; i < 2; i++) {
        query(fd, node.out, i, &off, &len, &flags);
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
        EXPECT(p != MAP_FAILED);
        memset(p, 0x55, len);
    }
    for (size_t i = page; i < len; i += 512)
        if ((unsigned char)old[i] != 0xaa)
            FAIL("the old mapping's byte %zu changed: memory of a freed buffer was reused while mapped", i);
}

void mmap_fixed_over_a_buffer(void)
{
    int fd = open_node();
    uint32_t off, len, off1, len1, flags;
    reqbufs(fd, node.out, V4L2_MEMORY_MMAP, 2);
    query(fd, node.out, 0, &off, &len, &flags);
    query(fd, node.out, 1, &off1, &len1, &flags);
    size_t half = (len / 2) / page * page;
    /* Room for buffer 0, then buffer 1 from its middle on. */
    size_t room = half + page_round(len1) > page_round(len) ? half + page_round(len1) : page_round(len);
    char *p = mmap(NULL, room, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT(p != MAP_FAILED);
    EXPECT(mmap(p, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off) == p);
    /* Anonymous memory over the first half: the buffer stays mapped by its second half. */
    EXPECT(mmap(p, half, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
    query(fd, node.out, 0, &off, &len, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    /* Buffer 1 over the rest: buffer 0 is not mapped any more, buffer 1 is. */
    EXPECT(mmap(p + half, len1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off1) == p + half);
    query(fd, node.out, 0, &off, &len, &flags);
    EXPECT(!(flags & V4L2_BUF_FLAG_MAPPED));
    query(fd, node.out, 1, &off1, &len1, &flags);
    EXPECT(flags & V4L2_BUF_FLAG_MAPPED);
    EXPECT(munmap(p, room) == 0);
    query(fd, node.out, 1, &off1, &len1, &flags);
    EXPECT(!(flags & V4L2_BUF_FLAG_MAPPED));
}
