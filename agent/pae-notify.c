/*
 * pae-notify: the systemd notification protocol, without libsystemd
 *
 * The protocol is one datagram of "KEY=VALUE\n" lines sent to the unix socket
 * named by $NOTIFY_SOCKET; a leading '@' names an abstract socket. systemd
 * documents it as stable for reimplementation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeNotify"

#include "config.h"

#include "pae-notify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pae-error.h"

/**
 * pae_notify_send:
 * @state: e.g. "READY=1", "STOPPING=1", "WATCHDOG=1"
 *
 * Returns: %TRUE when sent, or when $NOTIFY_SOCKET is unset (nothing to do)
 */
gboolean
pae_notify_send(const gchar *state, GError **error)
{
	const gchar *path = g_getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	socklen_t addr_len;
	gsize path_len;
	int fd;
	ssize_t sent;

	if (path == NULL || path[0] == '\0')
		return TRUE;
	path_len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || path_len >= sizeof(addr.sun_path)) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "NOTIFY_SOCKET is not a usable socket path: %s",
			    path);
		return FALSE;
	}
	memcpy(addr.sun_path, path, path_len);
	if (path[0] == '@')
		addr.sun_path[0] = '\0';
	addr_len = offsetof(struct sockaddr_un, sun_path) + path_len;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_FAILED,
			    "cannot create notify socket: %s",
			    g_strerror(errno));
		return FALSE;
	}
	sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len);
	close(fd);
	if (sent < 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_REACHABLE,
			    "cannot notify the service manager of %s: %s",
			    state,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/**
 * pae_notify_get_watchdog_usec:
 *
 * Returns: the watchdog interval systemd expects pings within, or 0 when
 * there is no watchdog for this process
 */
guint64
pae_notify_get_watchdog_usec(void)
{
	const gchar *usec = g_getenv("WATCHDOG_USEC");
	const gchar *pid = g_getenv("WATCHDOG_PID");
	guint64 value;

	if (usec == NULL || !g_ascii_string_to_unsigned(usec, 10, 1, G_MAXUINT64, &value, NULL))
		return 0;
	if (pid != NULL) {
		guint64 for_pid;
		if (!g_ascii_string_to_unsigned(pid, 10, 1, G_MAXUINT64, &for_pid, NULL) ||
		    for_pid != (guint64)getpid())
			return 0;
	}
	return value;
}
