/*
 * Hostile-client suite: an application that passes bad pointers, bad indices, bad types,
 * read-only and unmapped memory, extreme counts and sizes, signals and races to a V4L2
 * memory-to-memory node (decoder or encoder), asserting the errno Linux gives for each.
 *
 * Usage: hostile NODE [CASE...]
 *
 * Every case runs in a forked child with a timeout, so a crash or a hang is a reported
 * failure, not a lost run. The parent never touches the node itself (each child starts
 * the device stack from scratch and describes the node from QUERYCAP, ENUM_FMT and
 * REQBUFS). A case that needs what the node does not have (USERPTR memory, plane
 * arrays) is reported as skipped, with the reason. Exit status: 0 when every case that
 * ran passed.
 */
#include "hostile.h"

#include <sys/wait.h>

#define CASE_TIMEOUT_S 20

/* What a case needs of the node. */
enum { NEEDS_NOTHING = 0, NEEDS_USERPTR = 1, NEEDS_MPLANE = 2 };

struct hostile_case {
    const char *name;
    void (*run)(void);
    int needs;
};

#define CASE(name, needs) void name(void);
#include "cases.h"
#undef CASE

static const struct hostile_case cases[] = {
#define CASE(name, needs) {#name, name, needs},
#include "cases.h"
#undef CASE
};

/* Runs one case in a child; 0 when it passed. */
static int run_case(const char *path, const struct hostile_case *c)
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
        describe_node(path);
        if ((c->needs & NEEDS_USERPTR) && !node.userptr)
            _exit(77);
        if ((c->needs & NEEDS_MPLANE) && !node.mplane)
            _exit(78);
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
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        printf("skip    %s: the node has no USERPTR memory (REQBUFS capabilities)\n", c->name);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 78) {
        printf("skip    %s: a single-planar node has no plane arrays (QUERYCAP)\n", c->name);
        return -1;
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
    int failed = 0, ran = 0, skipped = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int wanted = argc == 2;
        for (int a = 2; a < argc; a++)
            wanted |= strcmp(argv[a], cases[i].name) == 0;
        if (!wanted)
            continue;
        int r = run_case(argv[1], &cases[i]);
        if (r < 0) {
            skipped++;
            continue;
        }
        ran++;
        failed += r;
    }
    printf("%s: %d cases, %d failed, %d skipped\n", argv[1], ran, failed, skipped);
    return failed != 0 || ran == 0;
}
