/*
 * pae-exception: what a customer asked to be treated differently
 *
 * Every exception has a requester, a reason and an expiry, and is kept after
 * it expires or is removed, for the audit.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-exception.h"

static const gchar *const pae_exception_kind_names[] = {
	[PAE_EXCEPTION_EXCLUDE] = "exclude",
	[PAE_EXCEPTION_DEFER] = "defer",
	[PAE_EXCEPTION_FREEZE] = "freeze",
};

PaeException *
pae_exception_new(PaeExceptionKind kind, const gchar *vm_uuid)
{
	PaeException *exception = g_new0(PaeException, 1);
	exception->kind = kind;
	exception->vm_uuid = g_strdup(vm_uuid);
	return exception;
}

void
pae_exception_free(PaeException *exception)
{
	if (exception == NULL)
		return;
	g_free(exception->vm_uuid);
	g_free(exception->site);
	g_free(exception->fixlet_id);
	g_free(exception->requester);
	g_free(exception->reason);
	g_free(exception->removed_by);
	g_free(exception);
}

/**
 * pae_exception_is_active:
 *
 * Returns: %TRUE between its creation and its expiry, unless removed
 */
gboolean
pae_exception_is_active(const PaeException *exception, PaeTime now)
{
	if (exception->removed != 0)
		return FALSE;
	return exception->created <= now && now < exception->expires;
}

gboolean
pae_exception_matches(const PaeException *exception, const gchar *site, const gchar *fixlet_id)
{
	if (exception->fixlet_id == NULL)
		return TRUE;
	return g_strcmp0(exception->site, site) == 0 &&
	       g_strcmp0(exception->fixlet_id, fixlet_id) == 0;
}

const gchar *
pae_exception_kind_to_string(PaeExceptionKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(pae_exception_kind_names))
		return "unknown";
	return pae_exception_kind_names[kind];
}

PaeExceptionKind
pae_exception_kind_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_exception_kind_names); i++) {
		if (g_strcmp0(pae_exception_kind_names[i], text) == 0)
			return (PaeExceptionKind)i;
	}
	return PAE_EXCEPTION_KIND_LAST;
}
