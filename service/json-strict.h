/* json-strict.h: the control socket's strict reading of JSON (ctl.c).
 *
 * json-glib accepts text that would let a request mean something else
 * than it says: "v-1\u0000evil" becomes "v-1", 2^70 and 1e30 become other
 * numbers, and a repeated member silently replaces the first.  Before a
 * request line goes to json-glib, herd_json_strict_check reads it as
 * RFC 8259 JSON and refuses, besides any syntax error: \u0000 in a string
 * and unpaired surrogates, numbers with a fraction or exponent, integers
 * outside -2^63 .. 2^63-1, a member given twice in an object, nesting
 * deeper than HERD_JSON_STRICT_MAX_DEPTH and anything after the value
 * but blanks.  Each message names the byte (from 1) where reading
 * stopped. */
#pragma once

#include <glib.h>

#define HERD_JSON_STRICT_MAX_DEPTH 16

/* Whether text[0..length) is one JSON value and nothing else, or only
 * blanks (which the caller refuses in its own words); text holds no NUL
 * byte and is UTF-8 (the caller checks both first).  FALSE with error
 * (G_IO_ERROR_INVALID_DATA) otherwise. */
gboolean herd_json_strict_check (const char *text, gsize length,
                                 GError **error);
