/*
 * pae-table: aligned text tables for paectl
 *
 * Columns are padded to their widest cell, counted in characters so that
 * names in any script line up; a NULL cell prints as "-".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-table.h"

struct _PaeTable {
	guint columns;
	GPtrArray *rows; /* of GStrv, the header first */
};

PaeTable *
pae_table_new(const gchar *first_header, ...)
{
	PaeTable *self = g_new0(PaeTable, 1);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	va_list args;

	self->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	va_start(args, first_header);
	for (const gchar *h = first_header; h != NULL; h = va_arg(args, const gchar *)) {
		g_strv_builder_add(builder, h);
		self->columns++;
	}
	va_end(args);
	g_ptr_array_add(self->rows, g_strv_builder_end(builder));
	return self;
}

void
pae_table_free(PaeTable *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->rows);
	g_free(self);
}

/**
 * pae_table_add_row:
 *
 * Takes exactly as many values as the table has columns.
 */
void
pae_table_add_row(PaeTable *self, const gchar *first_value, ...)
{
	gchar **row = g_new0(gchar *, self->columns + 1);
	va_list args;

	va_start(args, first_value);
	for (guint i = 0; i < self->columns; i++) {
		const gchar *value = i == 0 ? first_value : va_arg(args, const gchar *);
		row[i] = g_utf8_make_valid(value != NULL && value[0] != '\0' ? value : "-", -1);
	}
	va_end(args);
	g_ptr_array_add(self->rows, row);
}

gchar *
pae_table_to_string(PaeTable *self)
{
	g_autofree glong *widths = g_new0(glong, self->columns);
	GString *out = g_string_new(NULL);

	for (guint r = 0; r < self->rows->len; r++) {
		gchar **row = self->rows->pdata[r];
		for (guint c = 0; c < self->columns; c++)
			widths[c] = MAX(widths[c], g_utf8_strlen(row[c], -1));
	}
	for (guint r = 0; r < self->rows->len; r++) {
		gchar **row = self->rows->pdata[r];
		for (guint c = 0; c < self->columns; c++) {
			g_string_append(out, row[c]);
			if (c + 1 < self->columns) {
				for (glong pad = g_utf8_strlen(row[c], -1); pad < widths[c] + 2;
				     pad++)
					g_string_append_c(out, ' ');
			}
		}
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}
