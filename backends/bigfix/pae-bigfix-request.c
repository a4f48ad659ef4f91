/*
 * pae-bigfix-request: one HTTPS request to the BigFix REST API
 *
 * One libcurl easy handle per client, reused under a mutex so that requests
 * keep their TLS connection alive. Every request is HTTPS only (also after a
 * redirect, which is never followed anyway), verifies the server's
 * certificate unless the operator explicitly turned that off, sends HTTP
 * Basic credentials, and is bounded by a connect timeout, a low-speed limit,
 * a total timeout and a cap on the size of the reply, counted as it arrives.
 * Failures become PAE_ERROR codes that say whether to try again.
 *
 * The password is handed to libcurl only; it is never part of a URL, a log
 * record or an error message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-bigfix-private.h"
#include "pae-error.h"

/* how much of an error reply goes into a message */
#define PAE_BIGFIX_REQUEST_ERROR_TEXT_MAX 300

struct _PaeBigfixClient {
	GMutex mutex;
	CURL *curl;
	PaeBigfixTransport transport;
};

typedef struct {
	GByteArray *data;
	gsize max;
	gboolean too_large;
	GCancellable *cancellable;
} PaeBigfixTransfer;

static gsize
pae_bigfix_request_write_cb(char *ptr, size_t size, size_t nmemb, void *user_data)
{
	PaeBigfixTransfer *transfer = user_data;
	gsize len = size * nmemb;

	/* count as it arrives: a server that streams forever is cut off here */
	if (len > transfer->max || transfer->data->len > transfer->max - len) {
		transfer->too_large = TRUE;
		return 0;
	}
	g_byte_array_append(transfer->data, (const guint8 *)ptr, (guint)len);
	return len;
}

static int
pae_bigfix_request_progress_cb(
	void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	PaeBigfixTransfer *transfer = user_data;
	return g_cancellable_is_cancelled(transfer->cancellable) ? 1 : 0;
}

/* frees the strings of @transport, wiping the password first */
void
pae_bigfix_transport_clear(PaeBigfixTransport *transport)
{
	if (transport->password != NULL)
		explicit_bzero(transport->password, strlen(transport->password));
	g_clear_pointer(&transport->base_url, g_free);
	g_clear_pointer(&transport->user, g_free);
	g_clear_pointer(&transport->password, g_free);
	g_clear_pointer(&transport->ca_file, g_free);
}

PaeBigfixClient *
pae_bigfix_client_new(const PaeBigfixTransport *transport)
{
	PaeBigfixClient *self = g_new0(PaeBigfixClient, 1);

	g_mutex_init(&self->mutex);
	self->transport = *transport;
	self->transport.base_url = g_strdup(transport->base_url);
	self->transport.user = g_strdup(transport->user);
	self->transport.password = g_strdup(transport->password);
	self->transport.ca_file = g_strdup(transport->ca_file);
	return self;
}

void
pae_bigfix_client_free(PaeBigfixClient *self)
{
	if (self == NULL)
		return;
	if (self->curl != NULL)
		curl_easy_cleanup(self->curl);
	pae_bigfix_transport_clear(&self->transport);
	g_mutex_clear(&self->mutex);
	g_free(self);
}

gsize
pae_bigfix_client_get_max_reply_size(PaeBigfixClient *self)
{
	return self->transport.max_reply_size;
}

/* printable, single-line, bounded: a server's text is untrusted */
static gchar *
pae_bigfix_request_reply_text(GBytes *reply)
{
	gsize len = 0;
	const gchar *data = reply != NULL ? g_bytes_get_data(reply, &len) : NULL;
	g_autofree gchar *valid = NULL;
	GString *text;

	if (data == NULL || len == 0)
		return g_strdup("");
	valid = g_utf8_make_valid(data, (gssize)MIN(len, PAE_BIGFIX_REQUEST_ERROR_TEXT_MAX * 4));
	text = g_string_new(NULL);
	for (const gchar *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_utf8_strlen(text->str, -1) >= PAE_BIGFIX_REQUEST_ERROR_TEXT_MAX) {
			g_string_append(text, "...");
			break;
		}
		g_string_append_unichar(text, g_unichar_iscntrl(c) ? ' ' : c);
	}
	g_strstrip(text->str);
	return g_string_free(text, FALSE);
}

/**
 * pae_bigfix_request_set_status_error:
 * @status: an HTTP status that is not 2xx
 * @reply: (nullable): the body that came with it
 */
void
pae_bigfix_request_set_status_error(glong status, GBytes *reply, GError **error)
{
	g_autofree gchar *text = pae_bigfix_request_reply_text(reply);
	g_autofree gchar *suffix = text[0] != '\0' ? g_strdup_printf(": %s", text) : g_strdup("");
	PaeError code;

	switch (status) {
	case 400:
		code = PAE_ERROR_BAD_REQUEST;
		break;
	case 401:
		code = PAE_ERROR_AUTH_FAILED;
		break;
	case 403:
		code = PAE_ERROR_PERMISSION_DENIED;
		break;
	case 404:
	case 410:
		code = PAE_ERROR_NOT_FOUND;
		break;
	case 408:
		code = PAE_ERROR_TIMED_OUT;
		break;
	case 413:
		code = PAE_ERROR_TOO_LARGE;
		break;
	case 429:
	case 503:
		code = PAE_ERROR_BUSY;
		break;
	default:
		if (status >= 500 && status <= 599)
			code = PAE_ERROR_SERVER_ERROR;
		else if (status >= 400 && status <= 499)
			code = PAE_ERROR_BAD_REQUEST;
		else
			code = PAE_ERROR_INVALID_DATA; /* 1xx, 3xx: redirects are never followed */
		break;
	}
	g_set_error(error, PAE_ERROR, code, "HTTP %ld%s", status, suffix);
}

/**
 * pae_bigfix_request_set_curl_error:
 * @detail: (nullable): libcurl's error buffer
 */
void
pae_bigfix_request_set_curl_error(CURLcode rc, const gchar *detail, GError **error)
{
	const gchar *message =
		detail != NULL && detail[0] != '\0' ? detail : curl_easy_strerror(rc);
	PaeError code;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
	case CURLE_QUIC_CONNECT_ERROR:
	case CURLE_PROXY:
		code = PAE_ERROR_NOT_REACHABLE;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		code = PAE_ERROR_TIMED_OUT;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		/* retrying cannot make an untrusted server trusted */
		g_set_error(
			error,
			PAE_ERROR,
			PAE_ERROR_AUTH_FAILED,
			"the server's TLS certificate is not trusted (set ca_file to its CA): %s",
			message);
		return;
	case CURLE_FILESIZE_EXCEEDED:
		code = PAE_ERROR_TOO_LARGE;
		break;
	case CURLE_PARTIAL_FILE:
		g_set_error(
			error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "truncated reply: %s", message);
		return;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_TOO_MANY_REDIRECTS:
		code = PAE_ERROR_INVALID_DATA;
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		code = PAE_ERROR_CANCELLED;
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_CIPHER:
	case CURLE_NOT_BUILT_IN:
		code = PAE_ERROR_INVALID_CONFIG;
		break;
	case CURLE_OUT_OF_MEMORY:
		code = PAE_ERROR_INTERNAL;
		break;
	default:
		code = PAE_ERROR_FAILED;
		break;
	}
	g_set_error(error, PAE_ERROR, code, "%s", message);
}

/* called with the mutex held */
static gboolean
pae_bigfix_client_setup(PaeBigfixClient *self,
			const gchar *url,
			PaeBigfixTransfer *transfer,
			gchar *errbuf,
			GError **error)
{
	const PaeBigfixTransport *t = &self->transport;
	CURLcode rc = CURLE_OK;

	if (self->curl == NULL) {
		self->curl = curl_easy_init();
		if (self->curl == NULL) {
			g_set_error_literal(error,
					    PAE_ERROR,
					    PAE_ERROR_INTERNAL,
					    "cannot create a libcurl handle");
			return FALSE;
		}
	} else {
		/* keeps the live connections and TLS sessions, forgets options */
		curl_easy_reset(self->curl);
	}

	/* each setopt can only fail for lack of memory or support; check them all */
	rc |= curl_easy_setopt(self->curl, CURLOPT_URL, url);
	rc |= curl_easy_setopt(self->curl, CURLOPT_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(self->curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	rc |= curl_easy_setopt(self->curl, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(self->curl, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(self->curl, CURLOPT_ERRORBUFFER, errbuf);
	rc |= curl_easy_setopt(self->curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	rc |= curl_easy_setopt(
		self->curl, CURLOPT_SSL_VERIFYPEER, t->insecure_skip_verify ? 0L : 1L);
	rc |= curl_easy_setopt(
		self->curl, CURLOPT_SSL_VERIFYHOST, t->insecure_skip_verify ? 0L : 2L);
	if (t->ca_file != NULL)
		rc |= curl_easy_setopt(self->curl, CURLOPT_CAINFO, t->ca_file);
	rc |= curl_easy_setopt(self->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	rc |= curl_easy_setopt(self->curl, CURLOPT_USERNAME, t->user);
	rc |= curl_easy_setopt(self->curl, CURLOPT_PASSWORD, t->password);
	rc |= curl_easy_setopt(self->curl,
			       CURLOPT_CONNECTTIMEOUT_MS,
			       (long)(t->connect_timeout / G_TIME_SPAN_MILLISECOND));
	rc |= curl_easy_setopt(
		self->curl, CURLOPT_TIMEOUT_MS, (long)(t->timeout / G_TIME_SPAN_MILLISECOND));
	rc |= curl_easy_setopt(self->curl, CURLOPT_LOW_SPEED_LIMIT, t->low_speed_limit);
	rc |= curl_easy_setopt(self->curl,
			       CURLOPT_LOW_SPEED_TIME,
			       (long)MAX(t->low_speed_time / G_TIME_SPAN_SECOND, 1));
	rc |= curl_easy_setopt(self->curl, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	rc |= curl_easy_setopt(self->curl, CURLOPT_WRITEFUNCTION, pae_bigfix_request_write_cb);
	rc |= curl_easy_setopt(self->curl, CURLOPT_WRITEDATA, transfer);
	rc |= curl_easy_setopt(
		self->curl, CURLOPT_XFERINFOFUNCTION, pae_bigfix_request_progress_cb);
	rc |= curl_easy_setopt(self->curl, CURLOPT_XFERINFODATA, transfer);
	rc |= curl_easy_setopt(self->curl, CURLOPT_NOPROGRESS, 0L);
	if (rc != CURLE_OK) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INTERNAL,
				    "libcurl refused an option (out of memory, or built without "
				    "HTTPS support?)");
		return FALSE;
	}
	return TRUE;
}

/*
 * libcurl sends a request again, once, when a reused connection dies before
 * any reply: harmless for a query, a second action for POST /api/actions.
 * Requests that change something get a connection of their own, so the
 * caller alone decides whether to try again (after looking for the key).
 */
static gboolean
pae_bigfix_client_is_idempotent(const gchar *method, const gchar *path)
{
	return g_strcmp0(method, "GET") == 0 ||
	       (g_strcmp0(method, "POST") == 0 && g_str_has_prefix(path, "/api/query"));
}

static gboolean
pae_bigfix_client_set_method(PaeBigfixClient *self,
			     const gchar *method,
			     const gchar *path,
			     const gchar *body,
			     struct curl_slist *headers)
{
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(self->curl,
			       CURLOPT_FRESH_CONNECT,
			       pae_bigfix_client_is_idempotent(method, path) ? 0L : 1L);
	if (g_strcmp0(method, "POST") == 0) {
		rc |= curl_easy_setopt(self->curl, CURLOPT_POST, 1L);
		rc |= curl_easy_setopt(self->curl,
				       CURLOPT_POSTFIELDSIZE_LARGE,
				       (curl_off_t)(body != NULL ? strlen(body) : 0));
		rc |= curl_easy_setopt(self->curl, CURLOPT_POSTFIELDS, body != NULL ? body : "");
	} else if (g_strcmp0(method, "GET") != 0) {
		rc |= curl_easy_setopt(self->curl, CURLOPT_CUSTOMREQUEST, method);
	}
	rc |= curl_easy_setopt(self->curl, CURLOPT_HTTPHEADER, headers);
	return rc == CURLE_OK;
}

static struct curl_slist *
pae_bigfix_client_headers(const gchar *content_type)
{
	g_autofree gchar *ctype = NULL;
	struct curl_slist *headers = NULL;

	headers = curl_slist_append(headers, "Accept: application/xml");
	/* no 100-continue round trip before larger bodies */
	headers = curl_slist_append(headers, "Expect:");
	if (content_type != NULL) {
		ctype = g_strdup_printf("Content-Type: %s", content_type);
		headers = curl_slist_append(headers, ctype);
	}
	return headers;
}

/**
 * pae_bigfix_client_perform:
 * @method: GET, POST or DELETE
 * @path: e.g. "/api/query", appended to the base URL
 * @content_type: (nullable): of @body
 * @body: (nullable): what to POST
 *
 * Returns: (transfer full): the body of a 2xx reply, or %NULL with a
 * %PAE_ERROR that pae_error_is_transient() classifies
 */
GBytes *
pae_bigfix_client_perform(PaeBigfixClient *self,
			  const gchar *method,
			  const gchar *path,
			  const gchar *content_type,
			  const gchar *body,
			  GCancellable *cancellable,
			  GError **error)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	g_autoptr(GByteArray) data = g_byte_array_new();
	g_autoptr(PaeCurlSlist) headers = pae_bigfix_client_headers(content_type);
	g_autofree gchar *url = g_strconcat(self->transport.base_url, path, NULL);
	g_autoptr(GBytes) reply = NULL;
	PaeBigfixTransfer transfer = {
		.data = data,
		.max = self->transport.max_reply_size,
		.cancellable = cancellable,
	};
	gchar errbuf[CURL_ERROR_SIZE] = "";
	gint64 started = g_get_monotonic_time();
	glong status = 0;
	CURLcode rc;

	if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
		pae_error_convert(error);
		return NULL;
	}
	if (!pae_bigfix_client_setup(self, url, &transfer, errbuf, error))
		return NULL;
	if (!pae_bigfix_client_set_method(self, method, path, body, headers)) {
		g_set_error_literal(
			error, PAE_ERROR, PAE_ERROR_INTERNAL, "libcurl refused an option");
		return NULL;
	}
	rc = curl_easy_perform(self->curl);
	/* the handle must not point at these locals once they are gone */
	curl_easy_setopt(self->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(self->curl, CURLOPT_HTTPHEADER, NULL);
	if (rc != CURLE_OK) {
		if (transfer.too_large)
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_TOO_LARGE,
				    "the reply is over the limit of %" G_GSIZE_FORMAT
				    " bytes (max_reply_size)",
				    transfer.max);
		else
			pae_bigfix_request_set_curl_error(rc, errbuf, error);
		g_prefix_error(error, "%s %s: ", method, path);
		return NULL;
	}
	curl_easy_getinfo(self->curl, CURLINFO_RESPONSE_CODE, &status);
	g_debug("%s %s: HTTP %ld, %u bytes in %" G_GINT64_FORMAT " ms",
		method,
		path,
		status,
		data->len,
		(g_get_monotonic_time() - started) / 1000);
	reply = g_byte_array_free_to_bytes(g_steal_pointer(&data));
	if (status < 200 || status > 299) {
		pae_bigfix_request_set_status_error(status, reply, error);
		g_prefix_error(error, "%s %s: ", method, path);
		return NULL;
	}
	return g_steal_pointer(&reply);
}
