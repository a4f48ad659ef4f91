/*
 * pae-error: the one error domain of the project
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PAE_ERROR (pae_error_quark())

/**
 * PaeError:
 * @PAE_ERROR_FAILED: anything not listed below
 * @PAE_ERROR_INVALID_CONFIG: a configuration file, group, key or value is wrong
 * @PAE_ERROR_INVALID_DATA: a reply, document or record could not be understood
 * @PAE_ERROR_NOT_FOUND: the object does not exist
 * @PAE_ERROR_EXISTS: the object exists already
 * @PAE_ERROR_AUTH_FAILED: the credentials were refused
 * @PAE_ERROR_PERMISSION_DENIED: the credentials are fine but lack a right
 * @PAE_ERROR_BAD_REQUEST: the peer refused the request as malformed
 * @PAE_ERROR_TOO_LARGE: a request or reply is over a limit
 * @PAE_ERROR_TIMED_OUT: the peer did not answer in time (transient)
 * @PAE_ERROR_NOT_REACHABLE: the peer could not be reached (transient)
 * @PAE_ERROR_BUSY: the peer or a resource is busy, try later (transient)
 * @PAE_ERROR_SERVER_ERROR: the peer failed internally, try later (transient)
 * @PAE_ERROR_CIRCUIT_OPEN: the peer is considered down for a while (transient)
 * @PAE_ERROR_STORE: the state database failed
 * @PAE_ERROR_LIBVIRT: libvirt reported an error
 * @PAE_ERROR_CANCELLED: the operation was cancelled
 * @PAE_ERROR_NOT_SUPPORTED: the backend does not implement the operation
 * @PAE_ERROR_INTERNAL: a bug
 *
 * Codes tell the caller what to do next: the transient ones are retried later,
 * the others are reported and not retried.
 */
typedef enum {
	PAE_ERROR_FAILED,
	PAE_ERROR_INVALID_CONFIG,
	PAE_ERROR_INVALID_DATA,
	PAE_ERROR_NOT_FOUND,
	PAE_ERROR_EXISTS,
	PAE_ERROR_AUTH_FAILED,
	PAE_ERROR_PERMISSION_DENIED,
	PAE_ERROR_BAD_REQUEST,
	PAE_ERROR_TOO_LARGE,
	PAE_ERROR_TIMED_OUT,
	PAE_ERROR_NOT_REACHABLE,
	PAE_ERROR_BUSY,
	PAE_ERROR_SERVER_ERROR,
	PAE_ERROR_CIRCUIT_OPEN,
	PAE_ERROR_STORE,
	PAE_ERROR_LIBVIRT,
	PAE_ERROR_CANCELLED,
	PAE_ERROR_NOT_SUPPORTED,
	PAE_ERROR_INTERNAL,
	PAE_ERROR_LAST
} PaeError;

GQuark
pae_error_quark(void);
const gchar *
pae_error_to_string(PaeError code);
gboolean
pae_error_is_transient(const GError *error);
void
pae_error_convert(GError **perror);

G_END_DECLS
