/* Test-harness only: LD_PRELOAD shim for sanlock in a sandbox without
 * CAP_SYS_RESOURCE. setrlimit()/setrlimit64()/prlimit() for RLIMIT_MEMLOCK
 * and RLIMIT_RTPRIO report success without changing anything; every other
 * resource goes to the real libc function. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/resource.h>
#include <sys/types.h>

static int skipped (int resource)
{
  return resource == RLIMIT_MEMLOCK || resource == RLIMIT_RTPRIO;
}

int setrlimit (__rlimit_resource_t resource, const struct rlimit *rlim)
{
  static int (*real) (__rlimit_resource_t, const struct rlimit *);
  if (skipped (resource))
    return 0;
  if (!real)
    real = dlsym (RTLD_NEXT, "setrlimit");
  return real (resource, rlim);
}

int setrlimit64 (__rlimit_resource_t resource, const struct rlimit64 *rlim)
{
  static int (*real) (__rlimit_resource_t, const struct rlimit64 *);
  if (skipped (resource))
    return 0;
  if (!real)
    real = dlsym (RTLD_NEXT, "setrlimit64");
  return real (resource, rlim);
}

int prlimit (pid_t pid, __rlimit_resource_t resource,
             const struct rlimit *new_limit, struct rlimit *old_limit)
{
  static int (*real) (pid_t, __rlimit_resource_t, const struct rlimit *,
                      struct rlimit *);
  if (new_limit && skipped (resource))
    {
      if (old_limit)
        return getrlimit (resource, old_limit);
      return 0;
    }
  if (!real)
    real = dlsym (RTLD_NEXT, "prlimit");
  return real (pid, resource, new_limit, old_limit);
}
