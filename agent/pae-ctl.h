/*
 * pae-ctl: what every paectl command gets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-config.h"
#include "pae-json.h"
#include "pae-lifecycle.h"
#include "pae-store-compliance.h"
#include "pae-store.h"

G_BEGIN_DECLS

typedef struct {
	PaeConfig *config; /* nullable when --database was given and the config is unusable */
	PaeStore *store;
	gboolean json;
	GString *out; /* what the command prints */
} PaeCtl;

typedef gboolean (*PaeCtlCommandFunc)(PaeCtl *ctl, gchar **args, GError **error);

typedef struct {
	const gchar *name;
	const gchar *arguments;
	const gchar *summary;
	PaeCtlCommandFunc func;
	gboolean writes; /* the command writes into the database */
} PaeCtlCommand;

gboolean
pae_ctl_cmd_vms(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_vm(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_patches(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_status(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_reconcile(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_check(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_baseline(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_change(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_plan(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_exception(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_incidents(PaeCtl *ctl, gchar **args, GError **error);
gboolean
pae_ctl_cmd_history(PaeCtl *ctl, gchar **args, GError **error);

/* shared by the commands that show VMs */
void
pae_ctl_write_patch(PaeJson *json, const PaePatchInfo *info);
void
pae_ctl_write_compliance(PaeJson *json, const PaeComplianceRecord *record);
gchar *
pae_ctl_format_time(PaeTime t);
void
pae_ctl_write_history_json(PaeJson *json, GPtrArray *history);
void
pae_ctl_print_history_text(PaeCtl *ctl, GPtrArray *history);
void
pae_ctl_write_lifecycle_json(PaeJson *json, const PaeLifecycle *lifecycle);
void
pae_ctl_print_lifecycle_text(PaeCtl *ctl, const PaeLifecycle *lifecycle);

G_END_DECLS
