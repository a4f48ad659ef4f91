/*
 * pae-spool: the libvirt hook's records, read back as triggers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-clock.h"
#include "pae-observation.h"

G_BEGIN_DECLS

/* larger files are not the hook's: they go to bad/ unread */
#define PAE_SPOOL_RECORD_MAX (64 * 1024)

PaeTrigger *
pae_spool_parse(const gchar *data, gsize length, GError **error);
PaeTrigger *
pae_spool_read_file(const gchar *path, GError **error);

typedef struct {
	/* one record, oldest first; @trigger is the callee's. FALSE leaves this
	 * record and the later ones in the spool for the next drain */
	gboolean (*record)(PaeTrigger *trigger, gpointer user_data);
	/* returns once every record accepted so far is stored: only then are
	 * their files deleted. NULL when record() stores before it returns */
	void (*commit)(gpointer user_data);
} PaeSpoolCallbacks;

#define PAE_TYPE_SPOOL (pae_spool_get_type())
G_DECLARE_FINAL_TYPE(PaeSpool, pae_spool, PAE, SPOOL, GObject)

PaeSpool *
pae_spool_new(const gchar *directory,
	      PaeClock *clock,
	      const PaeSpoolCallbacks *callbacks,
	      gpointer user_data);
gboolean
pae_spool_ensure_directory(PaeSpool *self, GError **error);
gboolean
pae_spool_start(PaeSpool *self, GError **error);
guint
pae_spool_drain(PaeSpool *self);
void
pae_spool_stop(PaeSpool *self);
guint64
pae_spool_get_record_count(PaeSpool *self);
guint64
pae_spool_get_bad_count(PaeSpool *self);

G_END_DECLS
