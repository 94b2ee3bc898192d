/* run_measured: runs one command and reports its wall time and peak resident set.
 *
 *   run_measured FD PROGRAM [ARG...]
 *
 * Forks, execs PROGRAM (a path) with the arguments, waits for it, and writes one line to
 * file descriptor FD: "<seconds> <max_rss_kib> <wait_status>\n" (seconds from just before
 * fork() to the return of wait4(); the peak RSS from wait4's rusage). Its own exit status
 * is 0 when the line was written (whatever the command's), 127 when it could not run it.
 * stdin, stdout and stderr are passed through.
 *
 * Why a separate small program: Linux reports a child's ru_maxrss as the larger of its own
 * peak and the peak of the address space it had before exec(), which for a fork or
 * posix_spawn of the benchmark itself is the benchmark's whole footprint (several MiB).
 * This program is small, so what it forks is small too, and the peak seen is the
 * command's own, above a floor of about a megabyte. Not part of the product. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: run_measured FD PROGRAM [ARG...]\n");
    return 127;
  }
  int out = atoi(argv[1]);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "run_measured: fork: %s\n", strerror(errno));
    return 127;
  }
  if (pid == 0) {
    close(out);
    execv(argv[2], argv + 2);
    fprintf(stderr, "run_measured: cannot run %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "run_measured: wait4: %s\n", strerror(errno));
      return 127;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
  char line[128];
  int n = snprintf(line, sizeof line, "%.9f %ld %d\n", seconds, ru.ru_maxrss, status);
  if (write(out, line, (size_t)n) != n) return 127;
  return 0;
}
