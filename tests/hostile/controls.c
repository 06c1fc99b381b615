/*
 * Hostile-client suite: control arrays of EXT_CTRLS (bad pointers, huge counts, which
 * and class mismatches, error_idx as Linux's control framework sets it) and event misuse.
 */
#include "hostile.h"

void controls_bad_arrays(void)
{
    int fd = open_node();
    struct v4l2_ext_controls cs = {.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1};
    cs.controls = unmapped();
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_TRY_EXT_CTRLS, &cs), EFAULT);
    EXPECT_ERR(ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs), EFAULT);
    cs.controls = NULL;
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EFAULT);
    cs.count = 0;
    EXPECT_OK(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs));
    /* Counts beyond V4L2_CID_MAX_CTRLS are EINVAL before the array is looked at. */
    uint32_t huge[] = {V4L2_CID_MAX_CTRLS + 1, 0x7fffffff, 0xffffffff};
    cs.controls = unmapped();
    for (unsigned i = 0; i < sizeof huge / sizeof *huge; i++) {
        cs.count = huge[i];
        EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EINVAL);
        EXPECT_ERR(ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs), EINVAL);
    }
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
    if (node.encoder)
        ro->id = V4L2_CID_MIN_BUFFERS_FOR_OUTPUT;
    struct v4l2_ext_controls one = {.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = ro};
    EXPECT_OK(ioctl(fd, VIDIOC_G_EXT_CTRLS, &one));
    EXPECT(ro->value > 0);
    protect_page_of(ro, PROT_READ);
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &one), EFAULT);
}

/* The first control of the node, and the first one an application may set (0: none). */
static void find_controls(int fd, uint32_t *any, uint32_t *writable)
{
    *any = *writable = 0;
    struct v4l2_queryctrl q = {.id = V4L2_CTRL_FLAG_NEXT_CTRL};
    while (ioctl(fd, VIDIOC_QUERYCTRL, &q) == 0) {
        if (q.type != V4L2_CTRL_TYPE_CTRL_CLASS) {
            if (!*any)
                *any = q.id;
            if (!*writable && !(q.flags & (V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_DISABLED)) &&
                q.type == V4L2_CTRL_TYPE_INTEGER)
                *writable = q.id;
        }
        q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
    }
    EXPECT(errno == EINVAL);
    EXPECT(*any != 0);
}

/* error_idx after a failure of the validation step (before any control is read or
 * written): `count` for G and S (nothing was touched), the failing control's index for
 * TRY (which touches nothing anyway), as Linux's control framework and the V4L2
 * documentation of VIDIOC_G_EXT_CTRLS say. */
static void expect_error_idx(int fd, struct v4l2_ext_control *ctrls, uint32_t count, int err, uint32_t bad)
{
    unsigned long requests[] = {VIDIOC_G_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS, VIDIOC_S_EXT_CTRLS};
    for (int r = 0; r < 3; r++) {
        struct v4l2_ext_controls cs = {.which = V4L2_CTRL_WHICH_CUR_VAL, .count = count, .controls = ctrls};
        if (requests[r] == VIDIOC_G_EXT_CTRLS && err == EACCES)
            continue; /* reading is fine */
        EXPECT_ERR(ioctl(fd, requests[r], &cs), err);
        uint32_t want = requests[r] == VIDIOC_TRY_EXT_CTRLS ? bad : count;
        if (cs.error_idx != want)
            FAIL("request %#lx: error_idx %u, want %u", requests[r], cs.error_idx, want);
    }
}

void controls_error_idx(void)
{
    int fd = open_node();
    uint32_t any, writable;
    find_controls(fd, &any, &writable);
    struct v4l2_ext_control ctrls[3];
    memset(ctrls, 0, sizeof ctrls);
    ctrls[0].id = any;
    ctrls[1].id = 0x12345678; /* no such control */
    ctrls[2].id = any;
    expect_error_idx(fd, ctrls, 3, EINVAL, 1);
    ctrls[1].id = 0;
    expect_error_idx(fd, ctrls, 3, EINVAL, 1);
    /* A read-only control cannot be tried or set: EACCES. */
    struct v4l2_queryctrl q = {.id = V4L2_CID_MIN_BUFFERS_FOR_CAPTURE};
    if (node.encoder)
        q.id = V4L2_CID_MIN_BUFFERS_FOR_OUTPUT;
    EXPECT_OK(ioctl(fd, VIDIOC_QUERYCTRL, &q));
    EXPECT(q.flags & V4L2_CTRL_FLAG_READ_ONLY);
    ctrls[1].id = q.id;
    ctrls[0].id = writable ? writable : q.id;
    expect_error_idx(fd, ctrls, 2, EACCES, writable ? 1 : 0);
}

void controls_which_and_class(void)
{
    int fd = open_node();
    uint32_t any, writable;
    find_controls(fd, &any, &writable);
    struct v4l2_ext_control c = {.id = any};
    struct v4l2_ext_controls cs = {.count = 1, .controls = &c};
    /* The class of the control: fine. Another class: EINVAL at the control. */
    cs.which = V4L2_CTRL_ID2WHICH(any);
    EXPECT_OK(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs));
    cs.which = V4L2_CTRL_ID2WHICH(any) == V4L2_CTRL_CLASS_USER ? V4L2_CTRL_CLASS_CODEC : V4L2_CTRL_CLASS_USER;
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EINVAL);
    EXPECT(cs.error_idx == 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_TRY_EXT_CTRLS, &cs), EINVAL);
    EXPECT(cs.error_idx == 0);
    EXPECT_ERR(ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs), EINVAL);
    EXPECT(cs.error_idx == 1);
    /* Default values can be read, never tried or set. */
    cs.which = V4L2_CTRL_WHICH_DEF_VAL;
    EXPECT_OK(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs));
    EXPECT_ERR(ioctl(fd, VIDIOC_TRY_EXT_CTRLS, &cs), EINVAL);
    EXPECT(cs.error_idx == 1);
    EXPECT_ERR(ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs), EINVAL);
    EXPECT(cs.error_idx == 1);
    /* An empty array checks only the class: a class with no control is EINVAL. */
    cs.count = 0;
    cs.which = V4L2_CTRL_ID2WHICH(any);
    EXPECT_OK(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs));
    cs.which = V4L2_CTRL_CLASS_DETECT;
    EXPECT_ERR(ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs), EINVAL);
    EXPECT_ERR(ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs), EINVAL);
    EXPECT(cs.error_idx == 0);
}

void event_misuse(void)
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
    EXPECT_ERR(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, unmapped()), EFAULT);
}

/* An event is pending and the application's struct is read-only: EFAULT, and the event
 * is still there for the next DQEVENT (Linux loses it). */
void dqevent_read_only_keeps_event(void)
{
    int fd = open_node();
    uint32_t any, writable;
    find_controls(fd, &any, &writable);
    struct v4l2_event_subscription sub = {.type = V4L2_EVENT_CTRL, .id = any, .flags = V4L2_EVENT_SUB_FL_SEND_INITIAL};
    EXPECT_OK(ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub));
    struct v4l2_event *ro = straddling(sizeof *ro, 0);
    protect_page_of(ro, PROT_READ);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, ro), EFAULT);
    struct v4l2_event *tail = straddling(sizeof *tail, 8);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, tail), EFAULT);
    struct v4l2_event ev;
    EXPECT_OK(ioctl(fd, VIDIOC_DQEVENT, &ev));
    EXPECT(ev.type == V4L2_EVENT_CTRL && ev.id == any);
    EXPECT_ERR(ioctl(fd, VIDIOC_DQEVENT, &ev), ENOENT);
}
