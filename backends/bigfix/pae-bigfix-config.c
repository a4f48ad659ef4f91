/*
 * pae-bigfix-config: the [bigfix] group of the configuration
 *
 * Every key is read with pae_config_file's typed getters, which record a
 * problem (file:line: [bigfix] key: why) and return the default, so that one
 * check lists everything wrong at once. The password is read here, from a
 * file only its owner may read or from systemd's credentials directory, and
 * never logged.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pae-bigfix-private.h"
#include "pae-error.h"

#define PAE_BIGFIX_GROUP	"bigfix"
#define PAE_BIGFIX_CREDENTIAL	"bigfix-password"
#define PAE_BIGFIX_PASSWORD_MAX 4096

static const gchar *const pae_bigfix_config_keys[] = {
	"url",
	"user",
	"password_file",
	"ca_file",
	"insecure_skip_verify",
	"uuid_property",
	"patch_sites",
	"server_timezone",
	"connect_timeout",
	"timeout",
	"low_speed_limit",
	"low_speed_time",
	"max_reply_size",
	"retries",
	"retry_min",
	"retry_max",
	"breaker_threshold",
	"breaker_cooldown",
	"ids_per_query",
	NULL,
};

static void
pae_bigfix_config_load_url(PaeConfigFile *config, PaeBigfixTransport *transport)
{
	g_autofree gchar *url = pae_config_file_get_string(config, PAE_BIGFIX_GROUP, "url", "");
	g_autoptr(GUri) uri = NULL;
	g_autoptr(GError) error = NULL;

	if (url[0] == '\0') {
		pae_config_file_add_problem(config,
					    PAE_BIGFIX_GROUP,
					    "url",
					    "must be set, e.g. https://bigfix.example.com:52311");
		return;
	}
	uri = g_uri_parse(url, G_URI_FLAGS_NONE, &error);
	if (uri == NULL) {
		pae_config_file_add_problem(config,
					    PAE_BIGFIX_GROUP,
					    "url",
					    "'%s' is not a URL: %s",
					    url,
					    error->message);
		return;
	}
	/* Basic credentials go with every request: never in clear text */
	if (g_ascii_strcasecmp(g_uri_get_scheme(uri), "https") != 0 ||
	    g_uri_get_host(uri) == NULL || g_uri_get_host(uri)[0] == '\0') {
		pae_config_file_add_problem(config,
					    PAE_BIGFIX_GROUP,
					    "url",
					    "'%s' is not an https:// URL with a host",
					    url);
		return;
	}
	if (g_uri_get_userinfo(uri) != NULL || g_uri_get_query(uri) != NULL ||
	    g_uri_get_fragment(uri) != NULL) {
		pae_config_file_add_problem(config,
					    PAE_BIGFIX_GROUP,
					    "url",
					    "must have no user, query or fragment (use user and "
					    "password_file)");
		return;
	}
	while (g_str_has_suffix(url, "/"))
		url[strlen(url) - 1] = '\0';
	transport->base_url = g_steal_pointer(&url);
}

/* the whole file, with one trailing newline removed; never logged */
static gchar *
pae_bigfix_config_read_password(const gchar *path, gboolean check_mode, GError **error)
{
	g_autofree gchar *data = g_malloc0(PAE_BIGFIX_PASSWORD_MAX + 1);
	struct stat st;
	gssize len;
	int fd = g_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);

	if (fd < 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_FOUND,
			    "cannot open %s: %s",
			    path,
			    g_strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "%s is not a regular file",
			    path);
		return NULL;
	}
	if (check_mode && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
		close(fd);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_PERMISSION_DENIED,
			    "%s is readable by group or others (mode %04o): chmod 0600 it",
			    path,
			    (guint)(st.st_mode & 07777));
		return NULL;
	}
	len = read(fd, data, PAE_BIGFIX_PASSWORD_MAX + 1);
	close(fd);
	if (len < 0 || len > PAE_BIGFIX_PASSWORD_MAX || memchr(data, '\0', (gsize)len) != NULL) {
		explicit_bzero(data, PAE_BIGFIX_PASSWORD_MAX + 1);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "%s is unreadable, too long or binary",
			    path);
		return NULL;
	}
	if (len > 0 && data[len - 1] == '\n')
		data[--len] = '\0';
	if (len > 0 && data[len - 1] == '\r')
		data[--len] = '\0';
	if (len == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG, "%s is empty", path);
		return NULL;
	}
	return g_steal_pointer(&data);
}

static void
pae_bigfix_config_load_credentials(PaeConfigFile *config, PaeBigfixTransport *transport)
{
	g_autofree gchar *user = pae_config_file_get_string(config, PAE_BIGFIX_GROUP, "user", "");
	g_autofree gchar *path =
		pae_config_file_get_string(config, PAE_BIGFIX_GROUP, "password_file", "");
	g_autoptr(GError) error = NULL;
	gboolean from_credentials = FALSE;

	if (user[0] == '\0' || strchr(user, ':') != NULL)
		pae_config_file_add_problem(
			config,
			PAE_BIGFIX_GROUP,
			"user",
			"must be set to a console operator's name (without ':')");
	else
		transport->user = g_steal_pointer(&user);

	/* systemd's LoadCredential= puts it in a private directory */
	if (path[0] == '\0') {
		const gchar *dir = g_getenv("CREDENTIALS_DIRECTORY");
		if (dir == NULL || dir[0] == '\0') {
			pae_config_file_add_problem(
				config,
				PAE_BIGFIX_GROUP,
				"password_file",
				"is empty and $CREDENTIALS_DIRECTORY is not set "
				"(LoadCredential=" PAE_BIGFIX_CREDENTIAL ":...)");
			return;
		}
		g_free(path);
		path = g_build_filename(dir, PAE_BIGFIX_CREDENTIAL, NULL);
		from_credentials = TRUE;
	}
	transport->password = pae_bigfix_config_read_password(path, !from_credentials, &error);
	if (transport->password == NULL)
		pae_config_file_add_problem(
			config, PAE_BIGFIX_GROUP, "password_file", "%s", error->message);
}

static void
pae_bigfix_config_load_tls(PaeConfigFile *config, PaeBigfixTransport *transport)
{
	g_autofree gchar *ca_file =
		pae_config_file_get_string(config, PAE_BIGFIX_GROUP, "ca_file", "");

	if (ca_file[0] != '\0') {
		if (!g_file_test(ca_file, G_FILE_TEST_IS_REGULAR))
			pae_config_file_add_problem(
				config, PAE_BIGFIX_GROUP, "ca_file", "'%s' is not a file", ca_file);
		else
			transport->ca_file = g_steal_pointer(&ca_file);
	}
	transport->insecure_skip_verify = pae_config_file_get_boolean(
		config, PAE_BIGFIX_GROUP, "insecure_skip_verify", FALSE);
}

static void
pae_bigfix_config_load_limits(PaeConfigFile *config, PaeBigfixTransport *transport)
{
	transport->connect_timeout = pae_config_file_get_duration(config,
								  PAE_BIGFIX_GROUP,
								  "connect_timeout",
								  10 * G_TIME_SPAN_SECOND,
								  100 * G_TIME_SPAN_MILLISECOND,
								  10 * G_TIME_SPAN_MINUTE);
	transport->timeout = pae_config_file_get_duration(config,
							  PAE_BIGFIX_GROUP,
							  "timeout",
							  2 * G_TIME_SPAN_MINUTE,
							  100 * G_TIME_SPAN_MILLISECOND,
							  G_TIME_SPAN_HOUR);
	transport->low_speed_limit = (glong)pae_config_file_get_integer(
		config, PAE_BIGFIX_GROUP, "low_speed_limit", 10, 0, G_MAXINT32);
	transport->low_speed_time = pae_config_file_get_duration(config,
								 PAE_BIGFIX_GROUP,
								 "low_speed_time",
								 G_TIME_SPAN_MINUTE,
								 G_TIME_SPAN_SECOND,
								 G_TIME_SPAN_HOUR);
	transport->max_reply_size = (gsize)pae_config_file_get_integer(
		config, PAE_BIGFIX_GROUP, "max_reply_size", 64 * 1024 * 1024, 4096, G_MAXINT32);
}

static void
pae_bigfix_config_load_retries(PaeBigfixConfig *self, PaeConfigFile *config)
{
	self->retries =
		(guint)pae_config_file_get_integer(config, PAE_BIGFIX_GROUP, "retries", 3, 0, 20);
	self->retry_min = pae_config_file_get_duration(config,
						       PAE_BIGFIX_GROUP,
						       "retry_min",
						       G_TIME_SPAN_SECOND,
						       G_TIME_SPAN_MILLISECOND,
						       G_TIME_SPAN_HOUR);
	self->retry_max = pae_config_file_get_duration(config,
						       PAE_BIGFIX_GROUP,
						       "retry_max",
						       30 * G_TIME_SPAN_SECOND,
						       G_TIME_SPAN_MILLISECOND,
						       G_TIME_SPAN_HOUR);
	if (self->retry_max < self->retry_min)
		pae_config_file_add_problem(config,
					    PAE_BIGFIX_GROUP,
					    "retry_max",
					    "must not be shorter than retry_min");
	self->breaker_threshold = (guint)pae_config_file_get_integer(
		config, PAE_BIGFIX_GROUP, "breaker_threshold", 5, 0, 1000);
	self->breaker_cooldown = pae_config_file_get_duration(config,
							      PAE_BIGFIX_GROUP,
							      "breaker_cooldown",
							      G_TIME_SPAN_MINUTE,
							      G_TIME_SPAN_SECOND,
							      G_TIME_SPAN_DAY);
}

static void
pae_bigfix_config_load_queries(PaeBigfixConfig *self, PaeConfigFile *config)
{
	self->uuid_property =
		pae_config_file_get_string(config, PAE_BIGFIX_GROUP, "uuid_property", "VM UUID");
	if (self->uuid_property[0] == '\0')
		pae_config_file_add_problem(config,
					    PAE_BIGFIX_GROUP,
					    "uuid_property",
					    "must name the property that holds the VM's UUID");
	self->patch_sites =
		pae_config_file_get_string_list(config, PAE_BIGFIX_GROUP, "patch_sites", NULL);
	if (self->patch_sites[0] == NULL)
		pae_config_file_add_problem(
			config,
			PAE_BIGFIX_GROUP,
			"patch_sites",
			"must list at least one site, e.g. Patches for RHEL 8;");
	self->server_timezone =
		pae_config_file_get_timezone(config, PAE_BIGFIX_GROUP, "server_timezone", "UTC");
	self->ids_per_query = (guint)pae_config_file_get_integer(
		config, PAE_BIGFIX_GROUP, "ids_per_query", 500, 1, 100000);
}

void
pae_bigfix_config_clear(PaeBigfixConfig *self)
{
	pae_bigfix_transport_clear(&self->transport);
	g_clear_pointer(&self->uuid_property, g_free);
	g_clear_pointer(&self->patch_sites, g_strfreev);
	g_clear_pointer(&self->server_timezone, g_free);
}

/**
 * pae_bigfix_config_load:
 * @config: the configuration; problems are recorded in it
 *
 * Returns: %TRUE with @self filled in, or %FALSE with %PAE_ERROR_INVALID_CONFIG
 * listing every problem of the configuration
 */
gboolean
pae_bigfix_config_load(PaeBigfixConfig *self, PaeConfigFile *config, GError **error)
{
	guint problems = pae_config_file_get_problem_count(config);

	pae_config_file_expect_group(config, PAE_BIGFIX_GROUP, pae_bigfix_config_keys);
	pae_bigfix_config_load_url(config, &self->transport);
	pae_bigfix_config_load_credentials(config, &self->transport);
	pae_bigfix_config_load_tls(config, &self->transport);
	pae_bigfix_config_load_limits(config, &self->transport);
	pae_bigfix_config_load_retries(self, config);
	pae_bigfix_config_load_queries(self, config);
	if (pae_config_file_get_problem_count(config) > problems) {
		pae_bigfix_config_clear(self);
		return pae_config_file_check(config, error);
	}
	return TRUE;
}
