/*
 * pae-exception: what a customer asked to be treated differently
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-clock.h"

G_BEGIN_DECLS

typedef enum {
	PAE_EXCEPTION_EXCLUDE, /* never apply this patch to this VM */
	PAE_EXCEPTION_DEFER,   /* not before a date */
	PAE_EXCEPTION_FREEZE,  /* no change at all on this VM for a period */
	PAE_EXCEPTION_KIND_LAST
} PaeExceptionKind;

typedef struct {
	gint64 id;
	PaeExceptionKind kind;
	gchar *vm_uuid;
	gchar *site;	  /* nullable: every patch */
	gchar *fixlet_id; /* nullable: every patch */
	PaeTime starts;	  /* FREEZE: from */
	PaeTime until;	  /* DEFER, FREEZE: until */
	gchar *requester;
	gchar *reason;
	PaeTime expires;
	PaeTime created;
	PaeTime removed;
	gchar *removed_by;
} PaeException;

PaeException *
pae_exception_new(PaeExceptionKind kind, const gchar *vm_uuid);
void
pae_exception_free(PaeException *exception);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeException, pae_exception_free)
gboolean
pae_exception_is_active(const PaeException *exception, PaeTime now);
gboolean
pae_exception_matches(const PaeException *exception, const gchar *site, const gchar *fixlet_id);
const gchar *
pae_exception_kind_to_string(PaeExceptionKind kind);
PaeExceptionKind
pae_exception_kind_from_string(const gchar *text);

G_END_DECLS
