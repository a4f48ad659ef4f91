/*
 * pae-config-file: key files merged from a main file and drop-ins, with the
 * file and line of every key, and a list of every problem found
 *
 * GKeyFile knows neither line numbers nor layering, so each file is scanned
 * once for the line of every group and key, parsed by GKeyFile, and copied
 * key by key into one merged key file: a later file overrides single keys.
 * Getters never fail; they record "file:line: [group] key: what is wrong"
 * and return the default, so that one run of --check-config lists every
 * problem at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeConfig"

#include "config.h"

#include "pae-config-file.h"

#include <gio/gio.h>
#include <string.h>

#include "pae-duration.h"
#include "pae-error.h"

typedef struct {
	const gchar *source; /* interned */
	guint line;
} PaeConfigOrigin;

struct _PaeConfigFile {
	GObject parent_instance;
	GKeyFile *merged;
	GHashTable *origins;  /* "group\x1fkey" or "group" → PaeConfigOrigin */
	GHashTable *expected; /* group → GStrv of known keys */
	GPtrArray *problems;  /* of gchar*, in the order found */
	GHashTable *problem_set;
	GPtrArray *sources;
	gchar *main_source;
};

G_DEFINE_TYPE(PaeConfigFile, pae_config_file, G_TYPE_OBJECT)

static void
pae_config_file_finalize(GObject *object)
{
	PaeConfigFile *self = PAE_CONFIG_FILE(object);
	g_key_file_unref(self->merged);
	g_hash_table_unref(self->origins);
	g_hash_table_unref(self->expected);
	g_ptr_array_unref(self->problems);
	g_hash_table_unref(self->problem_set);
	g_ptr_array_unref(self->sources);
	g_free(self->main_source);
	G_OBJECT_CLASS(pae_config_file_parent_class)->finalize(object);
}

static void
pae_config_file_class_init(PaeConfigFileClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = pae_config_file_finalize;
}

static void
pae_config_file_init(PaeConfigFile *self)
{
	self->merged = g_key_file_new();
	self->origins = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	self->expected =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
	self->problems = g_ptr_array_new_with_free_func(g_free);
	self->problem_set = g_hash_table_new(g_str_hash, g_str_equal);
	self->sources = g_ptr_array_new_with_free_func(g_free);
}

PaeConfigFile *
pae_config_file_new(void)
{
	return g_object_new(PAE_TYPE_CONFIG_FILE, NULL);
}

static gchar *
pae_config_file_origin_key(const gchar *group, const gchar *key)
{
	if (key == NULL)
		return g_strdup(group);
	return g_strdup_printf("%s\x1f%s", group, key);
}

static void
pae_config_file_set_origin(
	PaeConfigFile *self, const gchar *group, const gchar *key, const gchar *source, guint line)
{
	PaeConfigOrigin *origin = g_new0(PaeConfigOrigin, 1);
	origin->source = g_intern_string(source);
	origin->line = line;
	g_hash_table_replace(self->origins, pae_config_file_origin_key(group, key), origin);
}

/* one line of a key file: blank, comment, [group] or key=value */
static gboolean
pae_config_file_scan_line(const gchar *raw, gchar **group, gchar **key, GError **error)
{
	g_autofree gchar *line = g_strstrip(g_strdup(raw));
	const gchar *eq;

	if (line[0] == '\0' || line[0] == '#')
		return TRUE;
	if (line[0] == '[') {
		gsize len = strlen(line);
		if (len < 3 || line[len - 1] != ']') {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_CONFIG,
				    "a group header must look like [name]");
			return FALSE;
		}
		*group = g_strndup(line + 1, len - 2);
		return TRUE;
	}
	eq = strchr(line, '=');
	if (eq == NULL || eq == line) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "expected key=value, a [group] or a # comment");
		return FALSE;
	}
	*key = g_strstrip(g_strndup(line, (gsize)(eq - line)));
	return TRUE;
}

/* first pass: syntax, and the line of every group and key */
static gboolean
pae_config_file_scan(PaeConfigFile *self, const gchar *name, const gchar *data, GError **error)
{
	g_auto(GStrv) lines = g_strsplit(data, "\n", -1);
	g_autofree gchar *group = NULL;

	for (guint i = 0; lines[i] != NULL; i++) {
		g_autofree gchar *new_group = NULL;
		g_autofree gchar *key = NULL;
		g_autoptr(GError) error_local = NULL;

		if (!pae_config_file_scan_line(lines[i], &new_group, &key, &error_local)) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_CONFIG,
				    "%s:%u: %s",
				    name,
				    i + 1,
				    error_local->message);
			return FALSE;
		}
		if (new_group != NULL) {
			g_free(group);
			group = g_steal_pointer(&new_group);
			pae_config_file_set_origin(self, group, NULL, name, i + 1);
		} else if (key != NULL) {
			if (group == NULL) {
				g_set_error(error,
					    PAE_ERROR,
					    PAE_ERROR_INVALID_CONFIG,
					    "%s:%u: %s: key outside of any [group]",
					    name,
					    i + 1,
					    key);
				return FALSE;
			}
			pae_config_file_set_origin(self, group, key, name, i + 1);
		}
	}
	return TRUE;
}

/**
 * pae_config_file_load_data:
 * @name: what to call the data in messages, usually its path
 *
 * Merges one more file over what is loaded: its keys override earlier ones.
 */
gboolean
pae_config_file_load_data(PaeConfigFile *self, const gchar *name, const gchar *data, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_auto(GStrv) groups = NULL;

	g_return_val_if_fail(PAE_IS_CONFIG_FILE(self), FALSE);
	if (!g_utf8_validate(data, -1, NULL)) {
		g_set_error(
			error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG, "%s: not valid UTF-8", name);
		return FALSE;
	}
	if (!pae_config_file_scan(self, name, data, error))
		return FALSE;
	if (!g_key_file_load_from_data(kf, data, -1, G_KEY_FILE_KEEP_COMMENTS, error)) {
		pae_error_convert(error);
		g_prefix_error(error, "%s: ", name);
		return FALSE;
	}
	groups = g_key_file_get_groups(kf, NULL);
	for (guint i = 0; groups[i] != NULL; i++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, groups[i], NULL, NULL);
		if (keys == NULL)
			continue;
		for (guint j = 0; keys[j] != NULL; j++) {
			g_autofree gchar *value =
				g_key_file_get_value(kf, groups[i], keys[j], NULL);
			g_key_file_set_value(self->merged, groups[i], keys[j], value);
		}
		/* an empty group still exists */
		if (keys[0] == NULL && !g_key_file_has_group(self->merged, groups[i])) {
			g_key_file_set_value(self->merged, groups[i], "placeholder", "");
			g_key_file_remove_key(self->merged, groups[i], "placeholder", NULL);
		}
	}
	g_ptr_array_add(self->sources, g_strdup(name));
	if (self->main_source == NULL)
		self->main_source = g_strdup(name);
	return TRUE;
}

static gboolean
pae_config_file_load_path(PaeConfigFile *self, const gchar *path, GError **error)
{
	g_autofree gchar *data = NULL;

	if (!g_file_get_contents(path, &data, NULL, error)) {
		pae_error_convert(error);
		return FALSE;
	}
	return pae_config_file_load_data(self, path, data, error);
}

static gint
pae_config_file_compare_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar **)a, *(const gchar **)b);
}

/**
 * pae_config_file_load:
 * @main_path: e.g. /etc/pae/pae.conf
 *
 * Loads @main_path, then every *.conf in "@main_path.d/" in name order.
 */
gboolean
pae_config_file_load(PaeConfigFile *self, const gchar *main_path, GError **error)
{
	g_autofree gchar *dropin_dir = g_strdup_printf("%s.d", main_path);
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	if (!pae_config_file_load_path(self, main_path, error))
		return FALSE;
	dir = g_dir_open(dropin_dir, 0, NULL);
	if (dir == NULL)
		return TRUE;
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_suffix(name, ".conf") && name[0] != '.')
			g_ptr_array_add(names, g_strdup(name));
	}
	g_ptr_array_sort(names, pae_config_file_compare_names);
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *path = g_build_filename(dropin_dir, names->pdata[i], NULL);
		if (!pae_config_file_load_path(self, path, error))
			return FALSE;
	}
	return TRUE;
}

GPtrArray *
pae_config_file_get_sources(PaeConfigFile *self)
{
	g_return_val_if_fail(PAE_IS_CONFIG_FILE(self), NULL);
	return self->sources;
}

gboolean
pae_config_file_has_group(PaeConfigFile *self, const gchar *group)
{
	return g_key_file_has_group(self->merged, group);
}

gboolean
pae_config_file_has_key(PaeConfigFile *self, const gchar *group, const gchar *key)
{
	return g_key_file_has_key(self->merged, group, key, NULL);
}

/**
 * pae_config_file_get_groups:
 * @prefix: (nullable): only groups starting with this, e.g. "tenant:"
 *
 * Returns: (transfer full): group names in file order
 */
gchar **
pae_config_file_get_groups(PaeConfigFile *self, const gchar *prefix)
{
	g_auto(GStrv) all = g_key_file_get_groups(self->merged, NULL);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	for (guint i = 0; all[i] != NULL; i++) {
		if (prefix == NULL || g_str_has_prefix(all[i], prefix))
			g_strv_builder_add(builder, all[i]);
	}
	return g_strv_builder_end(builder);
}

gchar **
pae_config_file_get_keys(PaeConfigFile *self, const gchar *group)
{
	gchar **keys = g_key_file_get_keys(self->merged, group, NULL, NULL);
	if (keys == NULL)
		return g_new0(gchar *, 1);
	return keys;
}

/**
 * pae_config_file_get_location:
 *
 * Returns: "file:line" of the key, else of its group, else the main file
 */
gchar *
pae_config_file_get_location(PaeConfigFile *self, const gchar *group, const gchar *key)
{
	g_autofree gchar *key_id = pae_config_file_origin_key(group, key);
	PaeConfigOrigin *origin = g_hash_table_lookup(self->origins, key_id);

	if (origin == NULL && group != NULL)
		origin = g_hash_table_lookup(self->origins, group);
	if (origin == NULL)
		return g_strdup(self->main_source != NULL ? self->main_source : "(no file)");
	return g_strdup_printf("%s:%u", origin->source, origin->line);
}

void
pae_config_file_add_problem(
	PaeConfigFile *self, const gchar *group, const gchar *key, const gchar *format, ...)
{
	g_autofree gchar *location = pae_config_file_get_location(self, group, key);
	g_autofree gchar *message = NULL;
	gchar *problem;
	va_list args;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	if (key != NULL)
		problem = g_strdup_printf("%s: [%s] %s: %s", location, group, key, message);
	else
		problem = g_strdup_printf("%s: [%s]: %s", location, group, message);
	if (g_hash_table_contains(self->problem_set, problem)) {
		g_free(problem);
		return;
	}
	g_ptr_array_add(self->problems, problem);
	g_hash_table_add(self->problem_set, problem);
}

gchar *
pae_config_file_get_string(PaeConfigFile *self,
			   const gchar *group,
			   const gchar *key,
			   const gchar *default_value)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *value = NULL;

	if (!pae_config_file_has_key(self, group, key))
		return g_strdup(default_value);
	value = g_key_file_get_string(self->merged, group, key, &error);
	if (value == NULL) {
		pae_config_file_add_problem(self, group, key, "%s", error->message);
		return g_strdup(default_value);
	}
	return g_strstrip(g_steal_pointer(&value));
}

gchar **
pae_config_file_get_string_list(PaeConfigFile *self,
				const gchar *group,
				const gchar *key,
				const gchar *const *default_value)
{
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) values = NULL;
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	if (!pae_config_file_has_key(self, group, key))
		return default_value != NULL ? g_strdupv((gchar **)default_value)
					     : g_new0(gchar *, 1);
	values = g_key_file_get_string_list(self->merged, group, key, NULL, &error);
	if (values == NULL) {
		/* "key=" is an empty list, not an error */
		if (g_error_matches(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE) ||
		    error == NULL)
			return g_new0(gchar *, 1);
		pae_config_file_add_problem(self, group, key, "%s", error->message);
		return default_value != NULL ? g_strdupv((gchar **)default_value)
					     : g_new0(gchar *, 1);
	}
	for (guint i = 0; values[i] != NULL; i++) {
		g_strstrip(values[i]);
		if (values[i][0] != '\0')
			g_strv_builder_add(builder, values[i]);
	}
	return g_strv_builder_end(builder);
}

gboolean
pae_config_file_get_boolean(PaeConfigFile *self,
			    const gchar *group,
			    const gchar *key,
			    gboolean default_value)
{
	g_autofree gchar *value = pae_config_file_get_string(self, group, key, NULL);

	if (value == NULL)
		return default_value;
	if (g_ascii_strcasecmp(value, "true") == 0 || g_strcmp0(value, "1") == 0 ||
	    g_ascii_strcasecmp(value, "yes") == 0)
		return TRUE;
	if (g_ascii_strcasecmp(value, "false") == 0 || g_strcmp0(value, "0") == 0 ||
	    g_ascii_strcasecmp(value, "no") == 0)
		return FALSE;
	pae_config_file_add_problem(
		self, group, key, "'%s' is not a boolean (true or false)", value);
	return default_value;
}

gint64
pae_config_file_get_integer(PaeConfigFile *self,
			    const gchar *group,
			    const gchar *key,
			    gint64 default_value,
			    gint64 min,
			    gint64 max)
{
	g_autofree gchar *value = pae_config_file_get_string(self, group, key, NULL);
	gint64 number;

	if (value == NULL)
		return default_value;
	if (!g_ascii_string_to_signed(value, 10, min, max, &number, NULL)) {
		pae_config_file_add_problem(self,
					    group,
					    key,
					    "'%s' is not an integer from %" G_GINT64_FORMAT
					    " to %" G_GINT64_FORMAT,
					    value,
					    min,
					    max);
		return default_value;
	}
	return number;
}

gdouble
pae_config_file_get_double(PaeConfigFile *self,
			   const gchar *group,
			   const gchar *key,
			   gdouble default_value,
			   gdouble min,
			   gdouble max)
{
	g_autofree gchar *value = pae_config_file_get_string(self, group, key, NULL);
	gchar *end = NULL;
	gdouble number;

	if (value == NULL)
		return default_value;
	number = g_ascii_strtod(value, &end);
	if (end == value || *end != '\0' || number < min || number > max || number != number) {
		pae_config_file_add_problem(
			self, group, key, "'%s' is not a number from %g to %g", value, min, max);
		return default_value;
	}
	return number;
}

GTimeSpan
pae_config_file_get_duration(PaeConfigFile *self,
			     const gchar *group,
			     const gchar *key,
			     GTimeSpan default_value,
			     GTimeSpan min,
			     GTimeSpan max)
{
	g_autofree gchar *value = pae_config_file_get_string(self, group, key, NULL);
	GTimeSpan span;

	if (value == NULL)
		return default_value;
	if (!pae_duration_parse(value, &span)) {
		pae_config_file_add_problem(self,
					    group,
					    key,
					    "'%s' is not a duration (e.g. 30s, 15m, 1h, 2d, 1h30m)",
					    value);
		return default_value;
	}
	if (span < min || span > max) {
		g_autofree gchar *min_text = pae_duration_to_string(min);
		g_autofree gchar *max_text = pae_duration_to_string(max);
		pae_config_file_add_problem(self,
					    group,
					    key,
					    "'%s' is out of range (%s to %s)",
					    value,
					    min_text,
					    max_text);
		return default_value;
	}
	return span;
}

gchar *
pae_config_file_get_timezone(PaeConfigFile *self,
			     const gchar *group,
			     const gchar *key,
			     const gchar *default_value)
{
	g_autofree gchar *value = pae_config_file_get_string(self, group, key, NULL);
	g_autoptr(GTimeZone) tz = NULL;

	if (value == NULL)
		return g_strdup(default_value);
	tz = g_time_zone_new_identifier(value);
	if (tz == NULL) {
		pae_config_file_add_problem(self,
					    group,
					    key,
					    "'%s' is not a time zone known to tzdata (e.g. "
					    "Europe/London, UTC)",
					    value);
		return g_strdup(default_value);
	}
	return g_steal_pointer(&value);
}

/**
 * pae_config_file_get_choice:
 * @choices: NULL-terminated allowed values
 *
 * Returns: the index of the value in @choices, or @default_index
 */
gint
pae_config_file_get_choice(PaeConfigFile *self,
			   const gchar *group,
			   const gchar *key,
			   const gchar *const *choices,
			   gint default_index)
{
	g_autofree gchar *value = pae_config_file_get_string(self, group, key, NULL);
	g_autofree gchar *allowed = NULL;

	if (value == NULL)
		return default_index;
	for (gint i = 0; choices[i] != NULL; i++) {
		if (g_strcmp0(choices[i], value) == 0)
			return i;
	}
	allowed = g_strjoinv(", ", (gchar **)choices);
	pae_config_file_add_problem(self, group, key, "'%s' is not one of: %s", value, allowed);
	return default_index;
}

/**
 * pae_config_file_expect_group:
 * @group: a group name the caller understands
 * @known_keys: every key allowed in it
 *
 * pae_config_file_check_unexpected() reports groups nobody expected and keys
 * not listed, so that a misspelt key is an error rather than a silent default.
 */
void
pae_config_file_expect_group(PaeConfigFile *self,
			     const gchar *group,
			     const gchar *const *known_keys)
{
	g_hash_table_replace(self->expected, g_strdup(group), g_strdupv((gchar **)known_keys));
}

void
pae_config_file_check_unexpected(PaeConfigFile *self)
{
	g_auto(GStrv) groups = g_key_file_get_groups(self->merged, NULL);

	for (guint i = 0; groups[i] != NULL; i++) {
		gchar **known = g_hash_table_lookup(self->expected, groups[i]);
		g_auto(GStrv) keys = NULL;

		if (known == NULL) {
			pae_config_file_add_problem(self, groups[i], NULL, "unknown group");
			continue;
		}
		keys = pae_config_file_get_keys(self, groups[i]);
		for (guint j = 0; keys[j] != NULL; j++) {
			if (!g_strv_contains((const gchar *const *)known, keys[j]))
				pae_config_file_add_problem(
					self, groups[i], keys[j], "unknown key");
		}
	}
}

guint
pae_config_file_get_problem_count(PaeConfigFile *self)
{
	return self->problems->len;
}

/**
 * pae_config_file_check:
 *
 * Returns: %FALSE, with every problem on its own line, if any was found
 */
gboolean
pae_config_file_check(PaeConfigFile *self, GError **error)
{
	g_autoptr(GString) text = NULL;

	if (self->problems->len == 0)
		return TRUE;
	text = g_string_new(NULL);
	for (guint i = 0; i < self->problems->len; i++) {
		if (i > 0)
			g_string_append_c(text, '\n');
		g_string_append(text, self->problems->pdata[i]);
	}
	g_set_error_literal(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG, text->str);
	return FALSE;
}
