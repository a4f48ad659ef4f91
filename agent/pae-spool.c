/*
 * pae-spool: the libvirt hook's records, read back as triggers
 *
 * The hook (hooks/pae-spool.in) leaves one file per call in the spool
 * directory, created under a temporary dot-name and renamed into place, so a
 * file named `*.rec` is complete. Its name starts with the time, so name
 * order is oldest first; its content is key=value lines with every string
 * in hex (hooks/README.md). This file reads them back: pae_spool_parse()
 * turns one record into a PAE_TRIGGER_HOOK trigger, and a PaeSpool drains
 * the directory, at start, whenever the directory changes (a GFileMonitor,
 * debounced) and once a minute in case a change notification was lost.
 *
 * Losing a record is not acceptable, replaying one is. So a file is deleted
 * only after the owner accepted its trigger (callbacks.record) *and* said
 * that everything accepted is stored (callbacks.commit, e.g. a flush of the
 * ingest). A crash before the commit leaves the files, which are read again
 * at the next start; the ingest then stores the same observation twice,
 * which the engine tolerates. A record that cannot be understood is moved to
 * bad/ with a warning and never stops the drain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeSpool"

#include "config.h"

#include "pae-spool.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pae-error.h"

#define PAE_SPOOL_VERSION	   "1"
#define PAE_SPOOL_SUFFIX	   ".rec"
#define PAE_SPOOL_BAD		   "bad"
#define PAE_SPOOL_COMMIT_EVERY	   256
#define PAE_SPOOL_DEBOUNCE_MS	   100
#define PAE_SPOOL_DEBOUNCE_MAX_US  (1 * G_USEC_PER_SEC)
#define PAE_SPOOL_RESCAN_S	   60
#define PAE_SPOOL_TIME_MAX_SECONDS G_GINT64_CONSTANT(100000000000) /* year 5138 */

struct _PaeSpool {
	GObject parent_instance;
	gchar *directory;
	PaeClock *clock;
	PaeSpoolCallbacks callbacks;
	gpointer user_data;
	GFileMonitor *monitor;
	GSource *drain_source;
	GSource *rescan_source;
	gint64 first_request; /* monotonic time of the first change not drained yet */
	GHashTable *stuck;    /* names done with that could not be removed */
	guint64 records;
	guint64 bad;
	gboolean draining;
	gboolean listing_failed;
};

G_DEFINE_TYPE(PaeSpool, pae_spool, G_TYPE_OBJECT)

/* the keys of a version 1 record, every one required; unknown keys are skipped */
typedef enum {
	PAE_SPOOL_KEY_VERSION,
	PAE_SPOOL_KEY_TIME,
	PAE_SPOOL_KEY_PID,
	PAE_SPOOL_KEY_OPERATION,
	PAE_SPOOL_KEY_SUB_OPERATION,
	PAE_SPOOL_KEY_EXTRA,
	PAE_SPOOL_KEY_NAME,
	PAE_SPOOL_KEY_UUID,
	PAE_SPOOL_KEY_LAST
} PaeSpoolKey;

static const gchar *const pae_spool_keys[] = {
	[PAE_SPOOL_KEY_VERSION] = "version",
	[PAE_SPOOL_KEY_TIME] = "time",
	[PAE_SPOOL_KEY_PID] = "pid",
	[PAE_SPOOL_KEY_OPERATION] = "operation",
	[PAE_SPOOL_KEY_SUB_OPERATION] = "sub_operation",
	[PAE_SPOOL_KEY_EXTRA] = "extra",
	[PAE_SPOOL_KEY_NAME] = "name",
	[PAE_SPOOL_KEY_UUID] = "uuid",
};

static gboolean
pae_spool_is_digits(const gchar *text, gsize min, gsize max)
{
	gsize len = strlen(text);

	if (len < min || len > max)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit(text[i]))
			return FALSE;
	}
	return TRUE;
}

/* "SECONDS[.FRACTION]" since the epoch, as microseconds */
static gboolean
pae_spool_parse_time(const gchar *text, gint64 *real_usec)
{
	g_auto(GStrv) parts = g_strsplit(text, ".", 3);
	gchar usec_text[7] = "000000";
	guint64 seconds;
	guint64 usec;

	/* g_strsplit() gives no pieces at all for "" */
	if (parts[0] == NULL || g_strv_length(parts) > 2 || !pae_spool_is_digits(parts[0], 1, 12))
		return FALSE;
	if (parts[1] != NULL) {
		if (!pae_spool_is_digits(parts[1], 1, 9))
			return FALSE;
		memcpy(usec_text, parts[1], MIN(strlen(parts[1]), 6));
	}
	seconds = g_ascii_strtoull(parts[0], NULL, 10);
	usec = g_ascii_strtoull(usec_text, NULL, 10);
	if (seconds >= (guint64)PAE_SPOOL_TIME_MAX_SECONDS)
		return FALSE;
	*real_usec = (gint64)seconds * G_USEC_PER_SEC + (gint64)usec;
	return TRUE;
}

/* hex → a NUL-free UTF-8 string */
static gchar *
pae_spool_decode(const gchar *key, const gchar *hex, GError **error)
{
	gsize len = strlen(hex);
	g_autofree gchar *text = NULL;

	if (len % 2 != 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_DATA,
			    "%s: odd number of hex digits",
			    key);
		return NULL;
	}
	text = g_malloc(len / 2 + 1);
	for (gsize i = 0; i < len; i += 2) {
		gint high = g_ascii_xdigit_value(hex[i]);
		gint low = g_ascii_xdigit_value(hex[i + 1]);
		if (high < 0 || low < 0) {
			g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "%s: not hex", key);
			return NULL;
		}
		text[i / 2] = (gchar)(high << 4 | low);
		if (text[i / 2] == '\0') {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "%s: holds a NUL byte",
				    key);
			return NULL;
		}
	}
	text[len / 2] = '\0';
	if (!g_utf8_validate(text, -1, NULL)) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "%s: not UTF-8", key);
		return NULL;
	}
	return g_steal_pointer(&text);
}

/* the record's lines into values[], each key once */
static gboolean
pae_spool_split(const gchar *data, gsize length, gchar **values, GError **error)
{
	g_auto(GStrv) lines = NULL;
	guint n_lines;

	if (length == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "empty");
		return FALSE;
	}
	if (memchr(data, '\0', length) != NULL) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "holds a NUL byte");
		return FALSE;
	}
	if (data[length - 1] != '\n') {
		g_set_error(
			error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "truncated: no final newline");
		return FALSE;
	}
	lines = g_strsplit(data, "\n", -1);
	n_lines = g_strv_length(lines);
	/* the text ends with a newline: the last piece is empty */
	for (guint i = 0; i + 1 < n_lines; i++) {
		const gchar *line = lines[i];
		const gchar *equals = strchr(line, '=');
		gsize key_len;
		guint key;

		if (equals == NULL) {
			g_set_error(
				error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "line %u: no '='", i + 1);
			return FALSE;
		}
		key_len = (gsize)(equals - line);
		for (key = 0; key < PAE_SPOOL_KEY_LAST; key++) {
			if (strlen(pae_spool_keys[key]) == key_len &&
			    strncmp(pae_spool_keys[key], line, key_len) == 0)
				break;
		}
		if (key == PAE_SPOOL_KEY_LAST)
			continue;
		if (values[key] != NULL) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "%s: given twice",
				    pae_spool_keys[key]);
			return FALSE;
		}
		values[key] = g_strdup(equals + 1);
	}
	for (guint key = 0; key < PAE_SPOOL_KEY_LAST; key++) {
		if (values[key] == NULL) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "truncated: no %s",
				    pae_spool_keys[key]);
			return FALSE;
		}
	}
	return TRUE;
}

static void
pae_spool_values_free(gchar **values)
{
	for (guint key = 0; key < PAE_SPOOL_KEY_LAST; key++)
		g_free(values[key]);
}

/* the decoded strings of a record, NULL until decoded */
typedef struct {
	gchar *operation;
	gchar *sub_operation;
	gchar *extra;
	gchar *name;
	gchar *uuid;
} PaeSpoolStrings;

static void
pae_spool_strings_clear(PaeSpoolStrings *strings)
{
	g_free(strings->operation);
	g_free(strings->sub_operation);
	g_free(strings->extra);
	g_free(strings->name);
	g_free(strings->uuid);
}

static gboolean
pae_spool_decode_all(gchar **values, PaeSpoolStrings *strings, GError **error)
{
	const struct {
		PaeSpoolKey key;
		gchar **into;
	} fields[] = {
		{PAE_SPOOL_KEY_OPERATION, &strings->operation},
		{PAE_SPOOL_KEY_SUB_OPERATION, &strings->sub_operation},
		{PAE_SPOOL_KEY_EXTRA, &strings->extra},
		{PAE_SPOOL_KEY_NAME, &strings->name},
		{PAE_SPOOL_KEY_UUID, &strings->uuid},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
		const gchar *key = pae_spool_keys[fields[i].key];
		*fields[i].into = pae_spool_decode(key, values[fields[i].key], error);
		if (*fields[i].into == NULL)
			return FALSE;
	}
	if (strings->operation[0] == '\0') {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "operation: empty");
		return FALSE;
	}
	return TRUE;
}

static PaeTrigger *
pae_spool_parse_values(gchar **values, GError **error)
{
	PaeSpoolStrings strings = {NULL};
	g_autofree gchar *uuid = NULL;
	PaeTrigger *trigger;
	gint64 real_usec = 0;

	if (g_strcmp0(values[PAE_SPOOL_KEY_VERSION], PAE_SPOOL_VERSION) != 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "version is not 1");
		return NULL;
	}
	if (!pae_spool_parse_time(values[PAE_SPOOL_KEY_TIME], &real_usec)) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "time: not SECONDS.FRACTION");
		return NULL;
	}
	if (!pae_spool_is_digits(values[PAE_SPOOL_KEY_PID], 1, 10)) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "pid: not a number");
		return NULL;
	}
	if (!pae_spool_decode_all(values, &strings, error)) {
		pae_spool_strings_clear(&strings);
		return NULL;
	}
	uuid = pae_vm_uuid_normalize(strings.uuid);
	if (uuid == NULL) {
		pae_spool_strings_clear(&strings);
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "uuid: not a UUID");
		return NULL;
	}
	trigger = pae_trigger_new(
		PAE_TRIGGER_HOOK, uuid, strings.name[0] != '\0' ? strings.name : NULL, real_usec);
	trigger->operation = g_steal_pointer(&strings.operation);
	trigger->sub_operation = g_steal_pointer(&strings.sub_operation);
	pae_spool_strings_clear(&strings);
	return trigger;
}

/**
 * pae_spool_parse:
 * @data: one record, as the hook wrote it
 *
 * Returns: (transfer full): a PAE_TRIGGER_HOOK trigger whose @at is the
 * hook's real time (microseconds since the epoch, not yet on the agent's
 * clock), or %NULL with @error set when the record is not one
 */
PaeTrigger *
pae_spool_parse(const gchar *data, gsize length, GError **error)
{
	gchar *values[PAE_SPOOL_KEY_LAST] = {NULL};
	PaeTrigger *trigger = NULL;

	if (length > PAE_SPOOL_RECORD_MAX) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_TOO_LARGE,
			    "over %u bytes",
			    PAE_SPOOL_RECORD_MAX);
		return NULL;
	}
	if (pae_spool_split(data, length, values, error))
		trigger = pae_spool_parse_values(values, error);
	pae_spool_values_free(values);
	return trigger;
}

/**
 * pae_spool_read_file:
 *
 * Reads one record without following a symbolic link or blocking on a FIFO.
 *
 * Returns: (transfer full): as pae_spool_parse(); %PAE_ERROR_NOT_FOUND when
 * the file is gone
 */
PaeTrigger *
pae_spool_read_file(const gchar *path, GError **error)
{
	g_autofree gchar *data = NULL;
	gsize length = 0;
	struct stat st;
	gint fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		gint saved = errno;
		g_set_error(error,
			    PAE_ERROR,
			    saved == ENOENT ? PAE_ERROR_NOT_FOUND : PAE_ERROR_INVALID_DATA,
			    "cannot open: %s",
			    saved == ELOOP ? "a symbolic link" : g_strerror(saved));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "not a regular file");
		return NULL;
	}
	/* one byte more than allowed tells a file that grew past the limit */
	data = g_malloc(PAE_SPOOL_RECORD_MAX + 2);
	while (length <= PAE_SPOOL_RECORD_MAX) {
		gssize n = read(fd, data + length, PAE_SPOOL_RECORD_MAX + 1 - length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			gint saved = errno;
			close(fd);
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "cannot read: %s",
				    g_strerror(saved));
			return NULL;
		}
		if (n == 0)
			break;
		length += (gsize)n;
	}
	close(fd);
	data[length] = '\0';
	return pae_spool_parse(data, length, error);
}

static gboolean
pae_spool_is_record_name(const gchar *name)
{
	return name[0] != '.' && g_str_has_suffix(name, PAE_SPOOL_SUFFIX) &&
	       strlen(name) > strlen(PAE_SPOOL_SUFFIX);
}

static gint
pae_spool_compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the records' names, oldest first */
static GPtrArray *
pae_spool_list(PaeSpool *self)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) dir = g_dir_open(self->directory, 0, &error);
	GPtrArray *names;
	const gchar *name;

	if (dir == NULL) {
		if (!self->listing_failed)
			g_warning("cannot read the spool: %s", error->message);
		self->listing_failed = TRUE;
		return NULL;
	}
	self->listing_failed = FALSE;
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (pae_spool_is_record_name(name) && !g_hash_table_contains(self->stuck, name))
			g_ptr_array_add(names, g_strdup(name));
	}
	g_ptr_array_sort(names, pae_spool_compare_names);
	return names;
}

/* names and errors in warnings come from files anyone with write access made */
static void
pae_spool_warn(const gchar *name, const gchar *what, const gchar *why)
{
	g_autofree gchar *printable = g_strescape(name, NULL);
	g_warning("spool record %s: %s: %s", printable, what, why);
}

static gboolean
pae_spool_ensure_bad_directory(PaeSpool *self, GError **error)
{
	g_autofree gchar *bad = g_build_filename(self->directory, PAE_SPOOL_BAD, NULL);

	if (g_mkdir(bad, 0750) != 0 && errno != EEXIST) {
		gint saved = errno;
		g_set_error(error, PAE_ERROR, PAE_ERROR_FAILED, "%s", g_strerror(saved));
		return FALSE;
	}
	return TRUE;
}

/* a record that cannot be understood goes to bad/, for a person to look at */
static void
pae_spool_reject(PaeSpool *self, const gchar *name, const GError *why)
{
	g_autofree gchar *path = g_build_filename(self->directory, name, NULL);
	g_autofree gchar *target = g_build_filename(self->directory, PAE_SPOOL_BAD, name, NULL);
	g_autofree gchar *message = NULL;
	g_autoptr(GError) error = NULL;

	self->bad++;
	if (pae_spool_ensure_bad_directory(self, &error) && g_rename(path, target) != 0) {
		gint saved = errno;
		g_set_error(&error, PAE_ERROR, PAE_ERROR_FAILED, "%s", g_strerror(saved));
	}
	if (error == NULL) {
		pae_spool_warn(name, "malformed, moved to " PAE_SPOOL_BAD "/", why->message);
		return;
	}
	message = g_strdup_printf("%s; cannot move it to " PAE_SPOOL_BAD "/ (%s), ignoring it",
				  why->message,
				  error->message);
	pae_spool_warn(name, "malformed", message);
	g_hash_table_add(self->stuck, g_strdup(name));
}

/* the owner has stored every record in @accepted: their files can go */
static void
pae_spool_commit(PaeSpool *self, GPtrArray *accepted)
{
	if (accepted->len == 0)
		return;
	if (self->callbacks.commit != NULL)
		self->callbacks.commit(self->user_data);
	for (guint i = 0; i < accepted->len; i++) {
		const gchar *name = accepted->pdata[i];
		g_autofree gchar *path = g_build_filename(self->directory, name, NULL);
		if (g_unlink(path) != 0 && errno != ENOENT) {
			gint saved = errno;
			/* read again only after a restart, not at every drain */
			pae_spool_warn(name, "stored but cannot be removed", g_strerror(saved));
			g_hash_table_add(self->stuck, g_strdup(name));
		}
	}
	g_ptr_array_set_size(accepted, 0);
}

/**
 * pae_spool_drain:
 *
 * Hands every record in the spool to the owner, oldest first, and deletes
 * the files of those it accepted once it committed them.
 *
 * Returns: how many records were handed over
 */
guint
pae_spool_drain(PaeSpool *self)
{
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func(g_free);
	guint count = 0;

	g_return_val_if_fail(PAE_IS_SPOOL(self), 0);
	if (self->draining)
		return 0;
	names = pae_spool_list(self);
	if (names == NULL)
		return 0;
	self->draining = TRUE;
	for (guint i = 0; i < names->len; i++) {
		const gchar *name = names->pdata[i];
		g_autofree gchar *path = g_build_filename(self->directory, name, NULL);
		g_autoptr(GError) error = NULL;
		PaeTrigger *trigger = pae_spool_read_file(path, &error);

		if (trigger == NULL) {
			if (!g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND))
				pae_spool_reject(self, name, error);
			continue;
		}
		trigger->at = pae_clock_from_real(self->clock, trigger->at);
		if (!self->callbacks.record(trigger, self->user_data)) {
			g_debug("the owner refused %s, keeping it and what follows", name);
			break;
		}
		count++;
		self->records++;
		g_ptr_array_add(accepted, g_strdup(name));
		if (accepted->len >= PAE_SPOOL_COMMIT_EVERY)
			pae_spool_commit(self, accepted);
	}
	pae_spool_commit(self, accepted);
	self->draining = FALSE;
	if (count > 0)
		g_debug("%u hook records read from the spool", count);
	return count;
}

static gboolean
pae_spool_drain_cb(gpointer user_data)
{
	PaeSpool *self = PAE_SPOOL(user_data);

	g_clear_pointer(&self->drain_source, g_source_unref);
	pae_spool_drain(self);
	return G_SOURCE_REMOVE;
}

/* a burst of hooks is drained once, at most a second after it began */
static void
pae_spool_schedule_drain(PaeSpool *self)
{
	gint64 now = g_get_monotonic_time();

	if (self->drain_source != NULL) {
		if (now - self->first_request >= PAE_SPOOL_DEBOUNCE_MAX_US)
			return;
		g_source_destroy(self->drain_source);
		g_clear_pointer(&self->drain_source, g_source_unref);
	} else {
		self->first_request = now;
	}
	self->drain_source = g_timeout_source_new(PAE_SPOOL_DEBOUNCE_MS);
	g_source_set_name(self->drain_source, "[PaeSpool] drain");
	g_source_set_callback(self->drain_source, pae_spool_drain_cb, self, NULL);
	g_source_attach(self->drain_source, g_main_context_get_thread_default());
}

static void
pae_spool_changed_cb(GFileMonitor *monitor,
		     GFile *file,
		     GFile *other_file,
		     GFileMonitorEvent event,
		     gpointer user_data)
{
	switch (event) {
	case G_FILE_MONITOR_EVENT_CREATED:
	case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
	case G_FILE_MONITOR_EVENT_MOVED_IN:
	case G_FILE_MONITOR_EVENT_RENAMED:
		pae_spool_schedule_drain(PAE_SPOOL(user_data));
		break;
	default:
		/* deletions are the drain's own */
		break;
	}
}

static gboolean
pae_spool_rescan_cb(gpointer user_data)
{
	/* in case a change notification was lost (inotify queue overflow) */
	pae_spool_drain(PAE_SPOOL(user_data));
	return G_SOURCE_CONTINUE;
}

/**
 * pae_spool_ensure_directory:
 *
 * Creates the spool directory (0750) if it does not exist.
 */
gboolean
pae_spool_ensure_directory(PaeSpool *self, GError **error)
{
	if (g_mkdir_with_parents(self->directory, 0750) != 0) {
		gint saved = errno;
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_FAILED,
			    "cannot create the spool %s: %s",
			    self->directory,
			    g_strerror(saved));
		return FALSE;
	}
	return TRUE;
}

/**
 * pae_spool_start:
 *
 * Creates the directory, starts watching it and drains what is there. Later
 * records are drained on the thread-default main context.
 */
gboolean
pae_spool_start(PaeSpool *self, GError **error)
{
	g_autoptr(GFile) dir = NULL;

	g_return_val_if_fail(self->monitor == NULL, FALSE);
	if (!pae_spool_ensure_directory(self, error))
		return FALSE;
	/* watch first, so nothing written during the first drain is missed */
	dir = g_file_new_for_path(self->directory);
	self->monitor = g_file_monitor_directory(dir, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
	if (self->monitor == NULL) {
		pae_error_convert(error);
		g_prefix_error(error, "cannot watch the spool %s: ", self->directory);
		return FALSE;
	}
	g_signal_connect(self->monitor, "changed", G_CALLBACK(pae_spool_changed_cb), self);
	self->rescan_source = g_timeout_source_new_seconds(PAE_SPOOL_RESCAN_S);
	g_source_set_name(self->rescan_source, "[PaeSpool] rescan");
	g_source_set_callback(self->rescan_source, pae_spool_rescan_cb, self, NULL);
	g_source_attach(self->rescan_source, g_main_context_get_thread_default());
	pae_spool_drain(self);
	return TRUE;
}

/**
 * pae_spool_stop:
 *
 * Stops watching: nothing is handed over after this returns.
 */
void
pae_spool_stop(PaeSpool *self)
{
	g_return_if_fail(PAE_IS_SPOOL(self));
	if (self->monitor != NULL) {
		g_signal_handlers_disconnect_by_data(self->monitor, self);
		g_file_monitor_cancel(self->monitor);
		g_clear_object(&self->monitor);
	}
	if (self->drain_source != NULL) {
		g_source_destroy(self->drain_source);
		g_clear_pointer(&self->drain_source, g_source_unref);
	}
	if (self->rescan_source != NULL) {
		g_source_destroy(self->rescan_source);
		g_clear_pointer(&self->rescan_source, g_source_unref);
	}
}

guint64
pae_spool_get_record_count(PaeSpool *self)
{
	return self->records;
}

guint64
pae_spool_get_bad_count(PaeSpool *self)
{
	return self->bad;
}

static void
pae_spool_finalize(GObject *object)
{
	PaeSpool *self = PAE_SPOOL(object);

	pae_spool_stop(self);
	g_hash_table_unref(self->stuck);
	g_object_unref(self->clock);
	g_free(self->directory);
	G_OBJECT_CLASS(pae_spool_parent_class)->finalize(object);
}

static void
pae_spool_class_init(PaeSpoolClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = pae_spool_finalize;
}

static void
pae_spool_init(PaeSpool *self)
{
	self->stuck = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * pae_spool_new:
 * @directory: where the hook leaves its records
 * @clock: turns the hook's real time into the agent's
 * @callbacks: record is required, commit optional
 */
PaeSpool *
pae_spool_new(const gchar *directory,
	      PaeClock *clock,
	      const PaeSpoolCallbacks *callbacks,
	      gpointer user_data)
{
	PaeSpool *self = g_object_new(PAE_TYPE_SPOOL, NULL);

	g_return_val_if_fail(callbacks != NULL && callbacks->record != NULL, self);
	self->directory = g_strdup(directory);
	self->clock = g_object_ref(clock);
	self->callbacks = *callbacks;
	self->user_data = user_data;
	return self;
}
