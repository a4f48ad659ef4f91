/*
 * pae-error: the one error domain of the project
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-error.h"

#include <gio/gio.h>

G_DEFINE_QUARK(pae - error - quark, pae_error)

const gchar *
pae_error_to_string(PaeError code)
{
	static const gchar *names[] = {
		[PAE_ERROR_FAILED] = "failed",
		[PAE_ERROR_INVALID_CONFIG] = "invalid-config",
		[PAE_ERROR_INVALID_DATA] = "invalid-data",
		[PAE_ERROR_NOT_FOUND] = "not-found",
		[PAE_ERROR_EXISTS] = "exists",
		[PAE_ERROR_AUTH_FAILED] = "auth-failed",
		[PAE_ERROR_PERMISSION_DENIED] = "permission-denied",
		[PAE_ERROR_BAD_REQUEST] = "bad-request",
		[PAE_ERROR_TOO_LARGE] = "too-large",
		[PAE_ERROR_TIMED_OUT] = "timed-out",
		[PAE_ERROR_NOT_REACHABLE] = "not-reachable",
		[PAE_ERROR_BUSY] = "busy",
		[PAE_ERROR_SERVER_ERROR] = "server-error",
		[PAE_ERROR_CIRCUIT_OPEN] = "circuit-open",
		[PAE_ERROR_STORE] = "store",
		[PAE_ERROR_LIBVIRT] = "libvirt",
		[PAE_ERROR_CANCELLED] = "cancelled",
		[PAE_ERROR_NOT_SUPPORTED] = "not-supported",
		[PAE_ERROR_INTERNAL] = "internal",
	};
	if ((guint)code >= G_N_ELEMENTS(names) || names[code] == NULL)
		return "unknown";
	return names[code];
}

/**
 * pae_error_is_transient:
 * @error: (nullable): an error in any domain
 *
 * Returns: %TRUE when trying the same thing later may succeed
 */
gboolean
pae_error_is_transient(const GError *error)
{
	if (error == NULL)
		return FALSE;
	if (error->domain != PAE_ERROR)
		return FALSE;
	switch (error->code) {
	case PAE_ERROR_TIMED_OUT:
	case PAE_ERROR_NOT_REACHABLE:
	case PAE_ERROR_BUSY:
	case PAE_ERROR_SERVER_ERROR:
	case PAE_ERROR_CIRCUIT_OPEN:
		return TRUE;
	default:
		return FALSE;
	}
}

typedef struct {
	GQuark domain;
	gint code;
	PaeError pae_code;
} PaeErrorMapping;

/**
 * pae_error_convert:
 * @perror: (inout) (nullable): an error to move into %PAE_ERROR
 *
 * Rewrites GIO, GKeyFile and GFile errors as %PAE_ERROR ones, keeping the
 * message, so that callers only ever switch on one domain.
 */
void
pae_error_convert(GError **perror)
{
	GError *error = perror != NULL ? *perror : NULL;
	const PaeErrorMapping map[] = {
		{G_IO_ERROR, G_IO_ERROR_NOT_FOUND, PAE_ERROR_NOT_FOUND},
		{G_IO_ERROR, G_IO_ERROR_EXISTS, PAE_ERROR_EXISTS},
		{G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, PAE_ERROR_PERMISSION_DENIED},
		{G_IO_ERROR, G_IO_ERROR_TIMED_OUT, PAE_ERROR_TIMED_OUT},
		{G_IO_ERROR, G_IO_ERROR_CANCELLED, PAE_ERROR_CANCELLED},
		{G_IO_ERROR, G_IO_ERROR_INVALID_DATA, PAE_ERROR_INVALID_DATA},
		{G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, PAE_ERROR_NOT_SUPPORTED},
		{G_IO_ERROR, G_IO_ERROR_BUSY, PAE_ERROR_BUSY},
		{G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE, PAE_ERROR_NOT_REACHABLE},
		{G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, PAE_ERROR_NOT_REACHABLE},
		{G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, PAE_ERROR_NOT_REACHABLE},
		{G_FILE_ERROR, G_FILE_ERROR_NOENT, PAE_ERROR_NOT_FOUND},
		{G_FILE_ERROR, G_FILE_ERROR_ACCES, PAE_ERROR_PERMISSION_DENIED},
		{G_FILE_ERROR, G_FILE_ERROR_PERM, PAE_ERROR_PERMISSION_DENIED},
		{G_FILE_ERROR, G_FILE_ERROR_EXIST, PAE_ERROR_EXISTS},
		{G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, PAE_ERROR_INVALID_CONFIG},
		{G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_NOT_FOUND, PAE_ERROR_NOT_FOUND},
		{G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, PAE_ERROR_INVALID_CONFIG},
		{G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING, PAE_ERROR_INVALID_CONFIG},
	};

	if (error == NULL || error->domain == PAE_ERROR)
		return;
	for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
		if (error->domain == map[i].domain && error->code == map[i].code) {
			error->domain = PAE_ERROR;
			error->code = map[i].pae_code;
			return;
		}
	}
	error->domain = PAE_ERROR;
	error->code = PAE_ERROR_FAILED;
}
