/*
 * pae-json: a small JSON writer for paectl --json and the audit trail
 *
 * Writing is all the agent needs (nothing it reads is JSON), so this is a
 * writer only: strings are escaped per RFC 8259, invalid UTF-8 is replaced,
 * instants are written as ISO 8601 UTC strings or null.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-json.h"

#include "pae-clock.h"

struct _PaeJson {
	GString *out;
	gboolean pretty;
	guint depth;
	gboolean need_comma;
	gboolean after_key;
};

PaeJson *
pae_json_new(gboolean pretty)
{
	PaeJson *self = g_new0(PaeJson, 1);
	self->out = g_string_new(NULL);
	self->pretty = pretty;
	return self;
}

void
pae_json_free(PaeJson *self)
{
	if (self == NULL)
		return;
	g_string_free(self->out, TRUE);
	g_free(self);
}

static void
pae_json_newline(PaeJson *self)
{
	if (!self->pretty)
		return;
	g_string_append_c(self->out, '\n');
	for (guint i = 0; i < self->depth; i++)
		g_string_append(self->out, "  ");
}

/* before any value or key: a comma and indentation as needed */
static void
pae_json_prefix(PaeJson *self)
{
	if (self->after_key) {
		self->after_key = FALSE;
		return;
	}
	if (self->need_comma)
		g_string_append_c(self->out, ',');
	if (self->depth > 0)
		pae_json_newline(self);
}

static void
pae_json_escape(GString *out, const gchar *value)
{
	g_autofree gchar *valid = g_utf8_make_valid(value, -1);

	g_string_append_c(out, '"');
	for (const gchar *p = valid; *p != '\0'; p++) {
		guchar c = (guchar)*p;
		switch (c) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			if (c < 0x20)
				g_string_append_printf(out, "\\u%04x", c);
			else
				g_string_append_c(out, (gchar)c);
		}
	}
	g_string_append_c(out, '"');
}

void
pae_json_begin_object(PaeJson *self)
{
	pae_json_prefix(self);
	g_string_append_c(self->out, '{');
	self->depth++;
	self->need_comma = FALSE;
}

void
pae_json_end_object(PaeJson *self)
{
	self->depth--;
	if (self->need_comma)
		pae_json_newline(self);
	g_string_append_c(self->out, '}');
	self->need_comma = TRUE;
}

void
pae_json_begin_array(PaeJson *self)
{
	pae_json_prefix(self);
	g_string_append_c(self->out, '[');
	self->depth++;
	self->need_comma = FALSE;
}

void
pae_json_end_array(PaeJson *self)
{
	self->depth--;
	if (self->need_comma)
		pae_json_newline(self);
	g_string_append_c(self->out, ']');
	self->need_comma = TRUE;
}

void
pae_json_key(PaeJson *self, const gchar *key)
{
	pae_json_prefix(self);
	pae_json_escape(self->out, key);
	g_string_append(self->out, self->pretty ? ": " : ":");
	self->after_key = TRUE;
}

void
pae_json_string(PaeJson *self, const gchar *value)
{
	if (value == NULL) {
		pae_json_null(self);
		return;
	}
	pae_json_prefix(self);
	pae_json_escape(self->out, value);
	self->need_comma = TRUE;
}

void
pae_json_int(PaeJson *self, gint64 value)
{
	pae_json_prefix(self);
	g_string_append_printf(self->out, "%" G_GINT64_FORMAT, value);
	self->need_comma = TRUE;
}

void
pae_json_double(PaeJson *self, gdouble value)
{
	gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (value != value || value > G_MAXDOUBLE || value < -G_MAXDOUBLE) {
		pae_json_null(self);
		return;
	}
	pae_json_prefix(self);
	g_string_append(self->out, g_ascii_dtostr(buf, sizeof(buf), value));
	self->need_comma = TRUE;
}

void
pae_json_boolean(PaeJson *self, gboolean value)
{
	pae_json_prefix(self);
	g_string_append(self->out, value ? "true" : "false");
	self->need_comma = TRUE;
}

void
pae_json_null(PaeJson *self)
{
	pae_json_prefix(self);
	g_string_append(self->out, "null");
	self->need_comma = TRUE;
}

/**
 * pae_json_time:
 * @time_us: an instant, or 0 for none (written as null)
 */
void
pae_json_time(PaeJson *self, gint64 time_us)
{
	g_autofree gchar *text = NULL;
	if (time_us == 0) {
		pae_json_null(self);
		return;
	}
	text = pae_time_to_iso8601(time_us);
	pae_json_string(self, text);
}

/**
 * pae_json_raw:
 * @json_text: (nullable): JSON this program wrote earlier, e.g. stored facts
 */
void
pae_json_raw(PaeJson *self, const gchar *json_text)
{
	if (json_text == NULL || json_text[0] == '\0') {
		pae_json_null(self);
		return;
	}
	pae_json_prefix(self);
	g_string_append(self->out, json_text);
	self->need_comma = TRUE;
}

void
pae_json_member_string(PaeJson *self, const gchar *key, const gchar *value)
{
	pae_json_key(self, key);
	pae_json_string(self, value);
}

void
pae_json_member_int(PaeJson *self, const gchar *key, gint64 value)
{
	pae_json_key(self, key);
	pae_json_int(self, value);
}

void
pae_json_member_double(PaeJson *self, const gchar *key, gdouble value)
{
	pae_json_key(self, key);
	pae_json_double(self, value);
}

void
pae_json_member_boolean(PaeJson *self, const gchar *key, gboolean value)
{
	pae_json_key(self, key);
	pae_json_boolean(self, value);
}

void
pae_json_member_time(PaeJson *self, const gchar *key, gint64 time_us)
{
	pae_json_key(self, key);
	pae_json_time(self, time_us);
}

/**
 * pae_json_finish:
 *
 * Returns: (transfer full): the text written so far
 */
gchar *
pae_json_finish(PaeJson *self)
{
	return g_strdup(self->out->str);
}
