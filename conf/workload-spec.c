/* workload-spec.c: the workload vocabulary of a scenario, parsed (see
 * workload-spec.h): CPU models, write-rate models (with their "TIME,RATE"
 * trace files) and time distributions.
 *
 * The parsers read the same small grammar: a model or distribution name,
 * then arguments in parentheses, separated by commas; constant takes one
 * bare percentage, every other form takes NAME=VALUE arguments in any
 * order.  Spaces are allowed around every token.  Percentages ("30%" or
 * "30") and durations ("14h") go through the strict parsers of
 * core/units.h; the one unitless value, a Weibull shape, is a plain
 * number written the same way ("1.5").  Every error message quotes the
 * whole text and lists the accepted forms, with the precise reason in
 * parentheses.  What the models do over time is the simulator's
 * (sim/workload.c). */
#include "conf/workload-spec.h"

#include <math.h>
#include <string.h>


#include "core/units.h"

#define HERD_WORKLOAD_FORMS                                                 \
  "constant(X), diurnal(mean=X, peak=Y[, peak_at=T]) or "                   \
  "walk(mean=X, low=Y, high=Z[, step=S]) with percentages such as 30% "     \
  "and T a time of day such as 14h"

#define HERD_DISTRIBUTION_FORMS                                             \
  "a duration such as 0 or 2h, uniform(min=A, max=B), "                     \
  "exponential(mean=M) or weibull(shape=K, scale=L) with durations such "   \
  "as 30m and K a number such as 1.5"

#define HERD_WORKLOAD_DEFAULT_PEAK_AT HERD_HOUR (14)
#define HERD_WORKLOAD_DEFAULT_STEP 5.0

/* One NAME=VALUE argument (name is NULL for a bare value). */
typedef struct
{
  char *name;
  char *value;
  gboolean used;
} HerdCallArg;

static void
herd_call_arg_clear (gpointer p)
{
  HerdCallArg *arg = p;
  g_free (arg->name);
  g_free (arg->value);
}

/* Fails with "expected FORMS, got "TEXT" (WHY)". */
static gboolean
herd_workload_fail (GError **error, const char *forms, const char *text,
                    const char *why)
{
  g_autofree char *quoted = g_strescape (text, NULL);
  g_set_error (error, HERD_UNITS_ERROR, HERD_UNITS_ERROR_SYNTAX,
               "expected %s, got \"%s\" (%s)", forms, quoted, why);
  return FALSE;
}

/* Splits "name(a, k=v, ...)" into *name and an array of HerdCallArg.
 * Returns FALSE with *why set when text has no such shape. */
static gboolean
herd_call_split (const char *text, char **name, GArray **args, char **why)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *open = strchr (copy, '(');
  gsize len = strlen (copy);
  if (open == NULL || len == 0 || copy[len - 1] != ')')
    {
      *why = g_strdup ("not of the form NAME(ARGUMENTS)");
      return FALSE;
    }
  copy[len - 1] = '\0';
  *open = '\0';
  g_autofree char *fn = g_strstrip (g_strdup (copy));
  if (*fn == '\0')
    {
      *why = g_strdup ("no name before \"(\"");
      return FALSE;
    }
  const char *inside = open + 1;
  if (strchr (inside, '(') != NULL || strchr (inside, ')') != NULL)
    {
      *why = g_strdup ("unbalanced parentheses");
      return FALSE;
    }

  g_autoptr (GArray) list = g_array_new (FALSE, TRUE, sizeof (HerdCallArg));
  g_array_set_clear_func (list, herd_call_arg_clear);
  g_autofree char *inner = g_strstrip (g_strdup (inside));
  if (*inner != '\0')
    {
      g_auto (GStrv) parts = g_strsplit (inner, ",", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          char *part = g_strstrip (parts[i]);
          HerdCallArg arg = { 0 };
          char *eq = strchr (part, '=');
          if (eq != NULL)
            {
              *eq = '\0';
              arg.name = g_strstrip (g_strdup (part));
              arg.value = g_strstrip (g_strdup (eq + 1));
              if (*arg.name == '\0')
                {
                  herd_call_arg_clear (&arg);
                  *why = g_strdup ("an argument has no name before \"=\"");
                  return FALSE;
                }
            }
          else
            arg.value = g_strdup (part);
          if (*arg.value == '\0')
            {
              herd_call_arg_clear (&arg);
              *why = g_strdup ("an argument is empty");
              return FALSE;
            }
          for (guint j = 0; j < list->len && arg.name != NULL; j++)
            {
              HerdCallArg *other = &g_array_index (list, HerdCallArg, j);
              if (g_strcmp0 (other->name, arg.name) == 0)
                {
                  *why = g_strdup_printf ("%s given twice", arg.name);
                  herd_call_arg_clear (&arg);
                  return FALSE;
                }
            }
          g_array_append_val (list, arg);
        }
    }
  *name = g_steal_pointer (&fn);
  *args = g_steal_pointer (&list);
  return TRUE;
}

/* The named argument's value, marking it used; NULL when absent. */
static const char *
herd_call_get (GArray *args, const char *name)
{
  for (guint i = 0; i < args->len; i++)
    {
      HerdCallArg *arg = &g_array_index (args, HerdCallArg, i);
      if (g_strcmp0 (arg->name, name) == 0)
        {
          arg->used = TRUE;
          return arg->value;
        }
    }
  return NULL;
}

/* A reason naming the first argument nobody asked for, or NULL. */
static char *
herd_call_unused (GArray *args)
{
  for (guint i = 0; i < args->len; i++)
    {
      HerdCallArg *arg = &g_array_index (args, HerdCallArg, i);
      if (arg->used)
        continue;
      if (arg->name == NULL)
        return g_strdup_printf ("unexpected argument \"%s\"", arg->value);
      return g_strdup_printf ("unknown argument \"%s\"", arg->name);
    }
  return NULL;
}

/* Reads a required (or, with dflt_ok, optional) percentage argument. */
static gboolean
herd_call_percent (GArray *args, const char *name, gboolean required,
                   double *out, char **why)
{
  const char *value = herd_call_get (args, name);
  if (value == NULL)
    {
      if (required)
        *why = g_strdup_printf ("missing %s", name);
      return !required;
    }
  g_autoptr (GError) local = NULL;
  if (!herd_units_parse_percent (value, 0, 100, out, &local))
    {
      *why = g_strdup_printf ("%s: %s", name, local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
herd_call_duration (GArray *args, const char *name, gboolean required,
                    HerdTime *out, char **why)
{
  const char *value = herd_call_get (args, name);
  if (value == NULL)
    {
      if (required)
        *why = g_strdup_printf ("missing %s", name);
      return !required;
    }
  g_autoptr (GError) local = NULL;
  if (!herd_units_parse_duration (value, out, &local))
    {
      *why = g_strdup_printf ("%s: %s", name, local->message);
      return FALSE;
    }
  return TRUE;
}

/* A plain number: digits with an optional decimal fraction ("1", "0.7",
 * "2.5"), no sign, no exponent and no unit, as core/units.h writes
 * numbers.  Reads a required argument into *out. */
static gboolean
herd_call_number (GArray *args, const char *name, double *out, char **why)
{
  const char *value = herd_call_get (args, name);
  if (value == NULL)
    {
      *why = g_strdup_printf ("missing %s", name);
      return FALSE;
    }
  const char *p = value;
  gsize digits = 0;
  while (g_ascii_isdigit (*p))
    p++, digits++;
  if (*p == '.')
    {
      p++;
      gsize fraction = 0;
      while (g_ascii_isdigit (*p))
        p++, fraction++;
      if (fraction == 0)
        digits = 0;
    }
  if (digits == 0 || *p != '\0')
    {
      g_autofree char *quoted = g_strescape (value, NULL);
      *why = g_strdup_printf ("%s: expected a number such as 1.5, got "
                              "\"%s\"", name, quoted);
      return FALSE;
    }
  *out = g_ascii_strtod (value, NULL);
  return TRUE;
}

/* Fills spec from name and args; *why says what is wrong otherwise. */
static gboolean
herd_workload_fill (const char *name, GArray *args, HerdWorkloadSpec *spec,
                    char **why)
{
  *spec = (HerdWorkloadSpec) { 0 };
  if (strcmp (name, "constant") == 0)
    {
      spec->kind = HERD_WORKLOAD_CONSTANT;
      if (args->len != 1 || g_array_index (args, HerdCallArg, 0).name != NULL)
        {
          *why = g_strdup ("constant takes exactly one percentage");
          return FALSE;
        }
      HerdCallArg *arg = &g_array_index (args, HerdCallArg, 0);
      g_autoptr (GError) local = NULL;
      arg->used = TRUE;
      if (!herd_units_parse_percent (arg->value, 0, 100, &spec->mean,
                                     &local))
        {
          *why = g_strdup (local->message);
          return FALSE;
        }
      spec->peak = spec->low = spec->high = spec->mean;
      return TRUE;
    }
  if (strcmp (name, "diurnal") == 0)
    {
      spec->kind = HERD_WORKLOAD_DIURNAL;
      spec->peak_at = HERD_WORKLOAD_DEFAULT_PEAK_AT;
      if (!herd_call_percent (args, "mean", TRUE, &spec->mean, why)
          || !herd_call_percent (args, "peak", TRUE, &spec->peak, why)
          || !herd_call_duration (args, "peak_at", FALSE, &spec->peak_at,
                                  why))
        return FALSE;
      if (spec->peak < spec->mean)
        {
          *why = g_strdup ("peak must not be less than mean");
          return FALSE;
        }
      if (spec->peak_at >= HERD_DAY (1))
        {
          *why = g_strdup ("peak_at must be a time of day, less than 24h");
          return FALSE;
        }
      spec->low = 0;
      spec->high = 100;
      return TRUE;
    }
  if (strcmp (name, "walk") == 0)
    {
      spec->kind = HERD_WORKLOAD_WALK;
      spec->step = HERD_WORKLOAD_DEFAULT_STEP;
      if (!herd_call_percent (args, "mean", TRUE, &spec->mean, why)
          || !herd_call_percent (args, "low", TRUE, &spec->low, why)
          || !herd_call_percent (args, "high", TRUE, &spec->high, why)
          || !herd_call_percent (args, "step", FALSE, &spec->step, why))
        return FALSE;
      if (!(spec->low <= spec->mean && spec->mean <= spec->high))
        {
          *why = g_strdup ("low <= mean <= high must hold");
          return FALSE;
        }
      spec->peak = spec->high;
      return TRUE;
    }
  if (g_str_has_prefix (name, "trace:"))
    *why = g_strdup ("trace workloads are not supported yet");
  else
    *why = g_strdup_printf ("unknown model \"%s\"", name);
  return FALSE;
}

gboolean
herd_workload_parse (const char *text, HerdWorkloadSpec *out, GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_autofree char *name = NULL;
  g_autofree char *why = NULL;
  g_autoptr (GArray) args = NULL;
  HerdWorkloadSpec spec;

  if (g_str_has_prefix (text, "trace:"))
    return herd_workload_fail (error, HERD_WORKLOAD_FORMS, text,
                               "traces are read by the scenario loader "
                               "(conf/trace.h)");
  if (!herd_call_split (text, &name, &args, &why)
      || !herd_workload_fill (name, args, &spec, &why))
    return herd_workload_fail (error, HERD_WORKLOAD_FORMS, text, why);
  g_autofree char *unused = herd_call_unused (args);
  if (unused != NULL)
    return herd_workload_fail (error, HERD_WORKLOAD_FORMS, text, unused);
  *out = spec;
  return TRUE;
}

/* The shortest fixed-point text (no exponent, which the unit parsers
 * reject) that reads back as exactly v. */
static void
herd_append_number (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int decimals = 0; decimals <= 17; decimals++)
    {
      char format[8];
      g_snprintf (format, sizeof format, "%%.%df", decimals);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}

/* A duration in the largest unit that writes it exactly: "14h", "90s",
 * "1500ms" (never a fraction, except below a millisecond). */
static void
herd_append_duration (GString *out, HerdTime t)
{
  static const struct
  {
    const char *suffix;
    HerdTime ns;
  } units[] = {
    { "w", HERD_DAY (7) }, { "d", HERD_DAY (1) }, { "h", HERD_HOUR (1) },
    { "m", HERD_MIN (1) }, { "s", HERD_SEC (1) }, { "ms", HERD_MSEC (1) },
  };
  if (t == 0)
    {
      g_string_append (out, "0");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    if (t % units[i].ns == 0)
      {
        g_string_append_printf (out, "%" G_GINT64_FORMAT "%s",
                                t / units[i].ns, units[i].suffix);
        return;
      }
  /* Below a millisecond: seconds with nine decimals, zeros trimmed. */
  char frac[16];
  g_snprintf (frac, sizeof frac, "%09" G_GINT64_FORMAT, t % HERD_SEC (1));
  for (int i = 8; i > 0 && frac[i] == '0'; i--)
    frac[i] = '\0';
  g_string_append_printf (out, "%" G_GINT64_FORMAT ".%ss", t / HERD_SEC (1),
                          frac);
}

static void
herd_append_percent (GString *out, const char *name, double v)
{
  if (name != NULL)
    g_string_append_printf (out, "%s=", name);
  herd_append_number (out, v);
  g_string_append_c (out, '%');
}

/* The phase in [0, 1 day) is found in integers, so only the one cos()
 * sees a double. */
double
herd_workload_diurnal_cos (HerdTime t, HerdTime peak_at)
{
  HerdTime phase = (t - peak_at) % HERD_DAY (1);
  if (phase < 0)
    phase += HERD_DAY (1);
  return cos (2 * G_PI * ((double) phase / (double) HERD_DAY (1)));
}

double
herd_workload_spec_at_start (const HerdWorkloadSpec *spec)
{
  if (spec->kind != HERD_WORKLOAD_DIURNAL)
    return spec->mean;
  double v = spec->mean + (spec->peak - spec->mean)
                              * herd_workload_diurnal_cos (0, spec->peak_at);
  return CLAMP (v, 0.0, 100.0);
}

char *
herd_workload_to_string (const HerdWorkloadSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);
  GString *out = g_string_new (NULL);
  switch (spec->kind)
    {
    case HERD_WORKLOAD_CONSTANT:
      g_string_append (out, "constant(");
      herd_append_percent (out, NULL, spec->mean);
      break;
    case HERD_WORKLOAD_DIURNAL:
      g_string_append (out, "diurnal(");
      herd_append_percent (out, "mean", spec->mean);
      g_string_append (out, ", ");
      herd_append_percent (out, "peak", spec->peak);
      g_string_append (out, ", peak_at=");
      herd_append_duration (out, spec->peak_at);
      break;
    case HERD_WORKLOAD_WALK:
      g_string_append (out, "walk(");
      herd_append_percent (out, "mean", spec->mean);
      g_string_append (out, ", ");
      herd_append_percent (out, "low", spec->low);
      g_string_append (out, ", ");
      herd_append_percent (out, "high", spec->high);
      g_string_append (out, ", ");
      herd_append_percent (out, "step", spec->step);
      break;
    case HERD_WORKLOAD_TRACE:
      g_string_append (out, "trace(");
      break;
    case HERD_WORKLOAD_KIND_LAST:
    default:
      g_assert_not_reached ();
    }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

#define HERD_RATE_FORMS                                                     \
  "a rate such as 4MiB/s, constant(R), diurnal(mean=R, peak=P[, "          \
  "peak_at=T]), bursts(base=R, peak=P, every=D, length=L[, start=S]) or "  \
  "trace:FILE"

static gboolean
herd_call_rate (GArray *args, const char *name, double *out, char **why)
{
  const char *value = herd_call_get (args, name);
  if (value == NULL)
    {
      *why = g_strdup_printf ("missing %s", name);
      return FALSE;
    }
  g_autoptr (GError) local = NULL;
  gint64 v;
  if (!herd_units_parse_rate (value, &v, &local))
    {
      *why = g_strdup_printf ("%s: %s", name, local->message);
      return FALSE;
    }
  *out = (double) v;
  return TRUE;
}

/* Reads a trace file of "TIME,RATE" lines into model->trace. */
static gboolean
herd_rate_read_trace (const char *file, const char *base_dir,
                      HerdRateModel *model, char **why)
{
  g_autofree char *path = g_path_is_absolute (file)
                              ? g_strdup (file)
                              : g_build_filename (base_dir, file, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      *why = g_strdup (local->message);
      return FALSE;
    }
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE,
                                           sizeof (HerdRatePoint));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *hash = strchr (lines[i], '#');
      if (hash != NULL)
        *hash = '\0';
      char *line = g_strstrip (lines[i]);
      if (*line == '\0')
        continue;
      g_auto (GStrv) cells = g_strsplit (line, ",", -1);
      HerdRatePoint p;
      gint64 rate;
      g_clear_error (&local);
      if (g_strv_length (cells) != 2
          || !herd_units_parse_duration (g_strstrip (cells[0]), &p.at, &local)
          || !herd_units_parse_rate (g_strstrip (cells[1]), &rate, &local))
        {
          *why = g_strdup_printf ("%s:%u: expected TIME,RATE such as "
                                  "2h,8MiB/s%s%s", file, i + 1,
                                  local != NULL ? ": " : "",
                                  local != NULL ? local->message : "");
          return FALSE;
        }
      p.rate = (double) rate;
      HerdTime after = points->len == 0
                           ? -1
                           : g_array_index (points, HerdRatePoint,
                                            points->len - 1).at;
      if (points->len == 0 ? p.at != 0 : p.at <= after)
        {
          *why = g_strdup_printf ("%s:%u: %s", file, i + 1,
                                  points->len == 0
                                      ? "the first time must be 0"
                                      : "times must increase");
          return FALSE;
        }
      g_array_append_val (points, p);
    }
  if (points->len == 0)
    {
      *why = g_strdup_printf ("%s: no TIME,RATE line", file);
      return FALSE;
    }
  model->trace = g_steal_pointer (&points);
  return TRUE;
}

/* Fills model from name and args; *why says what is wrong otherwise. */
static gboolean
herd_rate_fill (const char *name, GArray *args, HerdRateModel *model,
                char **why)
{
  if (strcmp (name, "constant") == 0)
    {
      model->kind = HERD_RATE_CONSTANT;
      if (args->len != 1 || g_array_index (args, HerdCallArg, 0).name != NULL)
        {
          *why = g_strdup ("constant takes exactly one rate");
          return FALSE;
        }
      HerdCallArg *arg = &g_array_index (args, HerdCallArg, 0);
      arg->name = g_strdup ("rate");
      return herd_call_rate (args, "rate", &model->mean, why);
    }
  if (strcmp (name, "diurnal") == 0)
    {
      model->kind = HERD_RATE_DIURNAL;
      model->peak_at = HERD_WORKLOAD_DEFAULT_PEAK_AT;
      if (!herd_call_rate (args, "mean", &model->mean, why)
          || !herd_call_rate (args, "peak", &model->peak, why)
          || !herd_call_duration (args, "peak_at", FALSE, &model->peak_at,
                                  why))
        return FALSE;
      if (model->peak < model->mean || model->peak_at >= HERD_DAY (1))
        {
          *why = g_strdup ("peak must not be less than mean, and peak_at "
                           "must be a time of day, less than 24h");
          return FALSE;
        }
      return TRUE;
    }
  if (strcmp (name, "bursts") == 0)
    {
      model->kind = HERD_RATE_BURSTS;
      if (!herd_call_rate (args, "base", &model->mean, why)
          || !herd_call_rate (args, "peak", &model->peak, why)
          || !herd_call_duration (args, "every", TRUE, &model->every, why)
          || !herd_call_duration (args, "length", TRUE, &model->length, why)
          || !herd_call_duration (args, "start", FALSE, &model->start, why))
        return FALSE;
      if (!(0 < model->length && model->length < model->every))
        {
          *why = g_strdup ("0 < length < every must hold");
          return FALSE;
        }
      return TRUE;
    }
  *why = g_strdup_printf ("unknown model \"%s\"", name);
  return FALSE;
}

gboolean
herd_rate_model_parse (const char *text, const char *base_dir,
                       HerdRateModel *out, GError **error)
{
  g_return_val_if_fail (text != NULL && out != NULL, FALSE);
  g_autofree char *name = NULL;
  g_autofree char *why = NULL;
  g_autoptr (GArray) args = NULL;
  HerdRateModel model = { 0 };
  gint64 plain;

  if (herd_units_parse_rate (text, &plain, NULL))
    {
      *out = (HerdRateModel) { .kind = HERD_RATE_CONSTANT,
                               .mean = (double) plain };
      return TRUE;
    }
  if (g_str_has_prefix (text, "trace:"))
    {
      model.kind = HERD_RATE_TRACE;
      if (!herd_rate_read_trace (text + strlen ("trace:"), base_dir, &model,
                                 &why))
        return herd_workload_fail (error, HERD_RATE_FORMS, text, why);
      *out = model;
      return TRUE;
    }
  if (!herd_call_split (text, &name, &args, &why)
      || !herd_rate_fill (name, args, &model, &why))
    return herd_workload_fail (error, HERD_RATE_FORMS, text, why);
  g_autofree char *unused = herd_call_unused (args);
  if (unused != NULL)
    return herd_workload_fail (error, HERD_RATE_FORMS, text, unused);
  *out = model;
  return TRUE;
}

void
herd_rate_model_clear (HerdRateModel *model)
{
  if (model->trace != NULL)
    g_array_unref (model->trace);
  model->trace = NULL;
}

gboolean
herd_rate_model_is_constant (const HerdRateModel *model)
{
  return model->kind == HERD_RATE_CONSTANT;
}

gboolean
herd_distribution_parse (const char *text, HerdDistribution *out,
                         GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  HerdDistribution dist = { 0 };
  g_autofree char *why = NULL;

  if (strchr (text, '(') == NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (text));
      g_autoptr (GError) local = NULL;
      if (!herd_units_parse_duration (trimmed, &dist.a, &local))
        return herd_workload_fail (
            error, HERD_DISTRIBUTION_FORMS, text,
            g_error_matches (local, HERD_UNITS_ERROR, HERD_UNITS_ERROR_SYNTAX)
                ? "neither a duration nor a distribution"
                : local->message);
      dist.kind = HERD_DISTRIBUTION_FIXED;
      *out = dist;
      return TRUE;
    }

  g_autofree char *name = NULL;
  g_autoptr (GArray) args = NULL;
  if (!herd_call_split (text, &name, &args, &why))
    return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text, why);
  if (strcmp (name, "uniform") == 0)
    {
      dist.kind = HERD_DISTRIBUTION_UNIFORM;
      if (!herd_call_duration (args, "min", TRUE, &dist.a, &why)
          || !herd_call_duration (args, "max", TRUE, &dist.b, &why))
        return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                   why);
      if (dist.b < dist.a)
        return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                   "max must not be less than min");
    }
  else if (strcmp (name, "exponential") == 0)
    {
      dist.kind = HERD_DISTRIBUTION_EXPONENTIAL;
      if (!herd_call_duration (args, "mean", TRUE, &dist.a, &why))
        return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                   why);
      if (dist.a <= 0)
        return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                   "mean must be more than 0");
    }
  else if (strcmp (name, "weibull") == 0)
    {
      dist.kind = HERD_DISTRIBUTION_WEIBULL;
      if (!herd_call_number (args, "shape", &dist.shape, &why)
          || !herd_call_duration (args, "scale", TRUE, &dist.a, &why))
        return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                   why);
      if (!(dist.shape > 0))
        return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                   "shape must be more than 0");
      if (dist.a <= 0)
        return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                   "scale must be more than 0");
    }
  else
    {
      g_autofree char *unknown
          = g_strdup_printf ("unknown distribution \"%s\"", name);
      return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text,
                                 unknown);
    }
  g_autofree char *unused = herd_call_unused (args);
  if (unused != NULL)
    return herd_workload_fail (error, HERD_DISTRIBUTION_FORMS, text, unused);
  *out = dist;
  return TRUE;
}
