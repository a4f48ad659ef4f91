/*
 * pae-config: the agent's typed and validated configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-changes.h"
#include "pae-clock.h"
#include "pae-config-file.h"
#include "pae-incidents.h"
#include "pae-log.h"
#include "pae-patch-server.h"
#include "pae-policy.h"

G_BEGIN_DECLS

typedef struct {
	PaeConfigFile *file; /* every group, for the policy and the backends */
	gchar *libvirt_uri;
	gchar *state_directory;
	gchar *database;
	gchar *spool_directory;
	gchar *default_timezone;
	gchar *default_tenant;
	gchar *default_category;
	GTimeSpan reconcile_interval;
	GTimeSpan resync_interval; /* 0: only after a (re)connect */
	GTimeSpan reconnect_min;
	GTimeSpan reconnect_max;
	gint keepalive_interval;
	gint keepalive_count;
	GTimeSpan batch_delay;
	guint batch_max;
	GTimeSpan tick_interval;
	PaeLogTarget log_target;
	gchar *debug_domains;
	gchar *clock_file;
	gchar *metrics_file;
	gchar *agent_id;
	gchar *patch_server_name; /* "none" when there is no patch server */
	GTimeSpan check_interval;
	GTimeSpan unmanaged_grace;
	GTimeSpan action_lifetime;
	GTimeSpan baseline_timeout;   /* activation or re-baseline not done by then: incident */
	GTimeSpan revert_report_wait; /* after a revert, how long to wait for a fresh report */
	gchar *changes_name;	      /* "none": plans go ahead without change records */
	gchar *incidents_name;	      /* "none": incidents are only logged */
	PaeClock *clock;
	PaePolicy *policy;
	PaePatchServer *patch_server; /* nullable; set with PAE_CONFIG_LOAD_FULL */
	PaeChanges *changes;	      /* nullable; set with PAE_CONFIG_LOAD_FULL */
	PaeIncidents *incidents;      /* nullable; set with PAE_CONFIG_LOAD_FULL */
} PaeConfig;

typedef enum {
	/* read what paectl needs; tolerate groups it does not know */
	PAE_CONFIG_LOAD_DEFAULT = 0,
	/* validate everything, set up the backends, refuse unknown groups and keys */
	PAE_CONFIG_LOAD_FULL = 1 << 0,
} PaeConfigLoadFlags;

PaeConfig *
pae_config_load(const gchar *path, PaeConfigLoadFlags flags, GError **error);
PaeConfig *
pae_config_new_from_file(PaeConfigFile *file, PaeConfigLoadFlags flags, GError **error);
PaeConfig *
pae_config_ref(PaeConfig *self);
void
pae_config_unref(PaeConfig *self);
const gchar *const *
pae_config_get_agent_keys(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeConfig, pae_config_unref)

G_END_DECLS
