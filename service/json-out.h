/* json-out.h: JSON written straight into a string, compact, as it is
 * produced (the REST API's answers).
 *
 * json-glib's JsonBuilder makes a tree of nodes, hash tables and lists
 * and then prints it: for the API's 1,000-host collection that was about
 * 15 ms on the main loop, most of it allocation.  This writes the same
 * JSON directly (RFC 8259: strings escaped, no whitespace) into one
 * growing GString.  The caller nests the calls as the document nests;
 * herd_json_member names the next value inside an object. */
#pragma once
#include <glib.h>

typedef struct
{
  GString *text;
  guint depth;        /* open objects and arrays */
  guint64 has_values; /* bit d: the container at depth d holds a value */
  gboolean named;     /* a member name was written: its value follows */
} HerdJsonOut;

/* An empty document (g_auto (HerdJsonOut) frees it). */
HerdJsonOut herd_json_out_new (void);
/* The document written (every container closed), to g_free; out is left
 * empty. */
char *herd_json_out_finish (HerdJsonOut *out, gsize *length);
void herd_json_out_clear (HerdJsonOut *out);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HerdJsonOut, herd_json_out_clear)

void herd_json_begin_object (HerdJsonOut *out);
void herd_json_end_object (HerdJsonOut *out);
void herd_json_begin_array (HerdJsonOut *out);
void herd_json_end_array (HerdJsonOut *out);
/* The name of the next value, inside an object. */
void herd_json_member (HerdJsonOut *out, const char *name);
void herd_json_string (HerdJsonOut *out, const char *value);
void herd_json_int (HerdJsonOut *out, gint64 value);
void herd_json_bool (HerdJsonOut *out, gboolean value);
/* A member and its value in one call; an object's or an array's member
 * named and opened (closed with herd_json_end_object or _array). */
void herd_json_member_string (HerdJsonOut *out, const char *name,
                              const char *value);
void herd_json_member_int (HerdJsonOut *out, const char *name, gint64 value);
void herd_json_member_bool (HerdJsonOut *out, const char *name,
                            gboolean value);
void herd_json_member_object (HerdJsonOut *out, const char *name);
void herd_json_member_array (HerdJsonOut *out, const char *name);
