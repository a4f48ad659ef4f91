/*
 * pae-log: where log records go, and which debug records are kept
 *
 * Records are structured (G_LOG_USE_STRUCTURED is set for the whole project).
 * They go to journald when its socket exists, or always or never as the
 * configuration says, and to standard error otherwise. Debug records are kept
 * for the domains named in [agent] debug_domains; SIGUSR1 toggles all of them
 * at run time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeLog"

#include "config.h"

#include "pae-log.h"

#include <glib/gstdio.h>

#define PAE_JOURNAL_SOCKET "/run/systemd/journal/socket"

static GMutex pae_log_mutex;
static gchar **pae_log_debug_domains = NULL; /* NULL = none, {"all"} = every domain */
static gboolean pae_log_debug_toggled = FALSE;
static PaeLogTarget pae_log_target = PAE_LOG_TARGET_AUTO;

gboolean
pae_log_target_from_string(const gchar *text, PaeLogTarget *target)
{
	if (g_strcmp0(text, "auto") == 0)
		*target = PAE_LOG_TARGET_AUTO;
	else if (g_strcmp0(text, "journal") == 0)
		*target = PAE_LOG_TARGET_JOURNAL;
	else if (g_strcmp0(text, "stderr") == 0)
		*target = PAE_LOG_TARGET_STDERR;
	else
		return FALSE;
	return TRUE;
}

gboolean
pae_log_journal_available(void)
{
	return g_file_test(PAE_JOURNAL_SOCKET, G_FILE_TEST_EXISTS);
}

void
pae_log_set_debug_domains(const gchar *domains)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pae_log_mutex);

	g_clear_pointer(&pae_log_debug_domains, g_strfreev);
	if (domains != NULL && domains[0] != '\0')
		pae_log_debug_domains = g_strsplit_set(domains, ", ", -1);
}

void
pae_log_toggle_debug(void)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pae_log_mutex);
	pae_log_debug_toggled = !pae_log_debug_toggled;
}

gboolean
pae_log_get_debug_enabled(const gchar *domain)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&pae_log_mutex);

	if (pae_log_debug_toggled)
		return TRUE;
	if (pae_log_debug_domains == NULL)
		return FALSE;
	for (guint i = 0; pae_log_debug_domains[i] != NULL; i++) {
		/* "all" is every domain of ours; libraries' domains must be named */
		if (g_strcmp0(pae_log_debug_domains[i], "all") == 0 && domain != NULL &&
		    g_str_has_prefix(domain, "Pae"))
			return TRUE;
		if (domain != NULL && g_strcmp0(pae_log_debug_domains[i], domain) == 0)
			return TRUE;
	}
	return FALSE;
}

static const gchar *
pae_log_find_domain(const GLogField *fields, gsize n_fields)
{
	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
			return fields[i].value;
	}
	return NULL;
}

static GLogWriterOutput
pae_log_writer(GLogLevelFlags log_level,
	       const GLogField *fields,
	       gsize n_fields,
	       gpointer user_data)
{
	gboolean to_journal;

	if ((log_level & G_LOG_LEVEL_DEBUG) != 0 &&
	    !pae_log_get_debug_enabled(pae_log_find_domain(fields, n_fields)))
		return G_LOG_WRITER_HANDLED;

	switch (pae_log_target) {
	case PAE_LOG_TARGET_JOURNAL:
		to_journal = TRUE;
		break;
	case PAE_LOG_TARGET_STDERR:
		to_journal = FALSE;
		break;
	case PAE_LOG_TARGET_AUTO:
	default:
		to_journal = pae_log_journal_available();
		break;
	}
	if (to_journal &&
	    g_log_writer_journald(log_level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
		return G_LOG_WRITER_HANDLED;
	return g_log_writer_standard_streams(log_level, fields, n_fields, user_data);
}

/**
 * pae_log_setup:
 *
 * Installs the writer. GLib lets a program do this once; later calls only
 * change the target.
 */
void
pae_log_setup(PaeLogTarget target)
{
	static gsize installed = 0;

	pae_log_target = target;
	if (g_once_init_enter(&installed)) {
		g_log_set_writer_func(pae_log_writer, NULL, NULL);
		g_once_init_leave(&installed, 1);
	}
}
