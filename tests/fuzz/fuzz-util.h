/* fuzz-util.h: what the libFuzzer harnesses of tests/fuzz/ share.
 *
 * GLib's warnings and criticals abort (a g_return_if_fail that trips on
 * fuzz input is a bug like any other), and GLib's slice allocator is off so
 * that AddressSanitizer sees every block.  Harnesses that need files write
 * them into one private directory under /tmp, made at start and removed at
 * a normal exit. */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Writes the message as GLib would, then aborts on a warning, a critical
 * or an error (abort, not GLib's breakpoint trap: libFuzzer saves the
 * input on SIGABRT). */
static GLogWriterOutput
herd_fuzz_log_writer (GLogLevelFlags level, const GLogField *fields,
                      gsize n_fields, gpointer data)
{
  GLogWriterOutput out = g_log_writer_default (level, fields, n_fields, data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL
               | G_LOG_LEVEL_WARNING))
    abort ();
  return out;
}

static inline void
herd_fuzz_init (void)
{
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_log_set_writer_func (herd_fuzz_log_writer, NULL, NULL);
}

/* data as a string of its own, or NULL when it holds a NUL byte (the
 * loaders read text files and refuse those). */
static inline char *
herd_fuzz_text (const uint8_t *data, size_t size)
{
  if (memchr (data, '\0', size) != NULL)
    return NULL;
  return g_strndup ((const char *) data, size);
}

static char *herd_fuzz_dir_path;

/* Empties the harness's directory. */
static inline void
herd_fuzz_dir_clean (void)
{
  GDir *d = g_dir_open (herd_fuzz_dir_path, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (herd_fuzz_dir_path, name,
                                                NULL);
      g_unlink (path);
    }
  g_dir_close (d);
}

static inline void
herd_fuzz_dir_remove (void)
{
  herd_fuzz_dir_clean ();
  g_rmdir (herd_fuzz_dir_path);
}

/* The harness's directory, /tmp/herd-fuzz-NAME-XXXXXX, made once. */
static inline const char *
herd_fuzz_dir (const char *name)
{
  if (herd_fuzz_dir_path == NULL)
    {
      g_autofree char *tmpl = g_strdup_printf ("/tmp/herd-fuzz-%s-XXXXXX",
                                               name);
      herd_fuzz_dir_path = g_mkdtemp (g_steal_pointer (&tmpl));
      if (herd_fuzz_dir_path == NULL)
        g_error ("cannot make a directory in /tmp");
      atexit (herd_fuzz_dir_remove);
    }
  return herd_fuzz_dir_path;
}

/* Writes data, split at form feeds ('\f') into at most max_files parts
 * (the last part keeps any further form feeds), into the harness's
 * directory, emptied first: part i of count goes to the file name_of (i,
 * count) names.  Returns count. */
static inline guint
herd_fuzz_write_parts (const uint8_t *data, size_t size, guint max_files,
                       char *(*name_of) (guint i, guint count))
{
  herd_fuzz_dir_clean ();
  const char *from[max_files + 1];
  guint count = 1;
  from[0] = (const char *) data;
  for (size_t k = 0; k < size && count < max_files; k++)
    if (data[k] == '\f')
      from[count++] = (const char *) data + k + 1;
  from[count] = (const char *) data + size + 1; /* as if a \f ended it */
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *name = name_of (i, count);
      g_autofree char *path = g_build_filename (herd_fuzz_dir_path, name,
                                                NULL);
      if (!g_file_set_contents_full (path, from[i],
                                     from[i + 1] - 1 - from[i],
                                     G_FILE_SET_CONTENTS_NONE, 0644, NULL))
        g_error ("cannot write %s", path);
    }
  return count;
}
