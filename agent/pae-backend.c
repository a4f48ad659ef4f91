/*
 * pae-backend: what a backend is, and how the core finds one
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-backend.h"

const PaeBackendInfo *
pae_backend_find(PaeBackendKind kind, const gchar *name)
{
	for (guint i = 0; pae_backend_registry[i] != NULL; i++) {
		const PaeBackendInfo *info = pae_backend_registry[i];
		if (info->kind == kind && g_strcmp0(info->name, name) == 0)
			return info;
	}
	return NULL;
}

/**
 * pae_backend_list_names:
 *
 * Returns: the names of every backend of @kind, for messages
 */
gchar *
pae_backend_list_names(PaeBackendKind kind)
{
	GString *names = g_string_new(NULL);
	for (guint i = 0; pae_backend_registry[i] != NULL; i++) {
		const PaeBackendInfo *info = pae_backend_registry[i];
		if (info->kind != kind)
			continue;
		if (names->len > 0)
			g_string_append(names, ", ");
		g_string_append(names, info->name);
	}
	return g_string_free(names, FALSE);
}
