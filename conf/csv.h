/* csv.h: RFC 4180 CSV text split into records, for the readers of
 * spreadsheets and database exports (herd import's CSV inventory, the
 * samples traces of conf/trace.h). */
#pragma once

#include <glib.h>

/* Splits text into records (GPtrArray of GPtrArray of char *), each with
 * the line it starts on (lines, guint).  Fields may be quoted ("..." with
 * "" for a quote) and hold commas and line breaks; CRLF or LF; blank lines
 * are skipped.  FALSE at a quote left open, with the line it opened on in
 * bad_line. */
gboolean herd_csv_parse (const char *text, GPtrArray *records, GArray *lines,
                         guint *bad_line);
