/* fuzz-ctl.c: libFuzzer harness for the request parser of herd run's
 * control socket (service/ctl.c).  Each input is one request line as the
 * socket reads it (without its newline; any bytes, NULs and invalid UTF-8
 * included), given to herd_ctl_parse, the step herd_ctl_answer takes
 * before it asks the manager anything: the length limit, UTF-8, JSON, an
 * object, a known "command", only that command's arguments, each of its
 * type, the required ones present.  A request it accepts must name a
 * command in a string.  Seeds: tests/fuzz/ctl-requests.txt, one request a
 * line (tests/fuzz/run.sh). */
#include "tests/fuzz/fuzz-util.h"

#include "service/ctl.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  herd_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) req = herd_ctl_parse ((const char *) data, size,
                                               &error);
  if ((req == NULL) == (error == NULL))
    abort ();
  if (req != NULL
      && json_node_get_value_type (json_object_get_member (req, "command"))
             != G_TYPE_STRING)
    abort ();
  return 0;
}
