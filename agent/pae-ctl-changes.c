/*
 * pae-ctl-changes: paectl change list|show|approve|reject
 *
 * The records of the builtin change management. Approving and rejecting
 * write the change directly (no request row): the agent asks for a change's
 * status at every cycle, so it sees the decision at its next one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeCtl"

#include "config.h"

#include <string.h>

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-json.h"
#include "pae-store-changes.h"
#include "pae-store-requests.h"
#include "pae-table.h"

#define PAE_CTL_CHANGE_USAGE                                                                       \
	"usage:\n"                                                                                 \
	"  paectl change list [--all]        the open changes (new, approved), or every one\n"     \
	"  paectl change show CHG0000001\n"                                                        \
	"  paectl change approve CHG0000001 [--reason TEXT]\n"                                     \
	"  paectl change reject CHG0000001 --reason TEXT\n"                                        \
	"only a new change is approved or rejected; pae-agent sees the decision at its next\n"     \
	"cycle, when it polls the change's status"

typedef struct {
	const gchar *change_id;
	const gchar *reason;
	gboolean all;
} PaeCtlChangeArgs;

static gboolean
pae_ctl_change_usage(GError **error)
{
	g_set_error_literal(error, PAE_ERROR, PAE_ERROR_BAD_REQUEST, PAE_CTL_CHANGE_USAGE);
	return FALSE;
}

/* CHG…, --all, --reason TEXT and --reason=TEXT, in any order */
static gboolean
pae_ctl_change_parse(gchar **args, PaeCtlChangeArgs *parsed, GError **error)
{
	for (guint i = 0; args[i] != NULL; i++) {
		if (g_strcmp0(args[i], "--all") == 0) {
			parsed->all = TRUE;
		} else if (g_strcmp0(args[i], "--reason") == 0 && args[i + 1] != NULL) {
			parsed->reason = args[++i];
		} else if (g_str_has_prefix(args[i], "--reason=")) {
			parsed->reason = args[i] + strlen("--reason=");
		} else if (args[i][0] != '-' && parsed->change_id == NULL) {
			parsed->change_id = args[i];
		} else {
			return pae_ctl_change_usage(error);
		}
	}
	return TRUE;
}

static gchar *
pae_ctl_change_time(PaeTime t)
{
	return t != 0 ? pae_time_to_iso8601(t) : g_strdup("-");
}

static void
pae_ctl_change_write_strv(PaeJson *json, const gchar *key, GStrv values)
{
	pae_json_key(json, key);
	pae_json_begin_array(json);
	for (guint i = 0; values != NULL && values[i] != NULL; i++)
		pae_json_string(json, values[i]);
	pae_json_end_array(json);
}

static void
pae_ctl_change_write_json(PaeJson *json, const PaeChangeRecord *change, GPtrArray *notes)
{
	pae_json_begin_object(json);
	pae_json_member_string(json, "change_id", change->change_id);
	pae_json_member_string(json, "correlation_id", change->correlation_id);
	pae_json_member_string(json, "state", pae_change_state_to_string(change->state));
	pae_json_member_string(json, "summary", change->summary);
	pae_json_member_string(json, "description", change->description);
	pae_json_member_string(json, "tenant", change->tenant);
	pae_json_member_string(json, "category", change->category);
	pae_json_member_time(json, "window_start", change->window_start);
	pae_json_member_time(json, "window_end", change->window_end);
	pae_ctl_change_write_strv(json, "vms", change->vms);
	pae_ctl_change_write_strv(json, "patches", change->patches);
	pae_json_member_string(json, "close_code", change->close_code);
	pae_json_member_string(json, "close_notes", change->close_notes);
	pae_json_member_time(json, "opened", change->opened);
	pae_json_member_time(json, "approved", change->approved);
	pae_json_member_string(json, "approved_by", change->approved_by);
	pae_json_member_time(json, "closed", change->closed);
	pae_json_key(json, "notes");
	pae_json_begin_array(json);
	for (guint i = 0; i < notes->len; i++) {
		PaeChangeNote *note = notes->pdata[i];
		pae_json_begin_object(json);
		pae_json_member_time(json, "at", note->at);
		pae_json_member_string(json, "note", note->note);
		pae_json_end_object(json);
	}
	pae_json_end_array(json);
	pae_json_end_object(json);
}

static gboolean
pae_ctl_change_list_json(PaeCtl *ctl, GPtrArray *changes, GError **error)
{
	g_autoptr(PaeJson) json = pae_json_new(TRUE);
	g_autofree gchar *text = NULL;

	pae_json_begin_object(json);
	pae_json_key(json, "changes");
	pae_json_begin_array(json);
	for (guint i = 0; i < changes->len; i++) {
		PaeChangeRecord *change = changes->pdata[i];
		g_autoptr(GPtrArray) notes =
			pae_store_list_change_notes(ctl->store, change->change_id, error);
		if (notes == NULL)
			return FALSE;
		pae_ctl_change_write_json(json, change, notes);
	}
	pae_json_end_array(json);
	pae_json_end_object(json);
	text = pae_json_finish(json);
	g_string_append_printf(ctl->out, "%s\n", text);
	return TRUE;
}

static void
pae_ctl_change_list_text(PaeCtl *ctl, GPtrArray *changes, gboolean all)
{
	g_autoptr(PaeTable) table = NULL;
	g_autofree gchar *text = NULL;

	if (changes->len == 0) {
		g_string_append(ctl->out, all ? "no changes\n" : "no open changes\n");
		return;
	}
	table = pae_table_new("CHANGE",
			      "STATE",
			      "TENANT",
			      "CATEGORY",
			      "WINDOW START",
			      "VMS",
			      "PATCHES",
			      "SUMMARY",
			      NULL);
	for (guint i = 0; i < changes->len; i++) {
		PaeChangeRecord *change = changes->pdata[i];
		g_autofree gchar *start = pae_ctl_change_time(change->window_start);
		g_autofree gchar *vms = g_strdup_printf("%u", g_strv_length(change->vms));
		g_autofree gchar *patches = g_strdup_printf("%u", g_strv_length(change->patches));
		pae_table_add_row(table,
				  change->change_id,
				  pae_change_state_to_string(change->state),
				  change->tenant,
				  change->category,
				  start,
				  vms,
				  patches,
				  change->summary);
	}
	text = pae_table_to_string(table);
	g_string_append(ctl->out, text);
}

static gboolean
pae_ctl_change_list(PaeCtl *ctl, const PaeCtlChangeArgs *parsed, GError **error)
{
	g_autoptr(GPtrArray) changes = NULL;

	if (parsed->change_id != NULL || parsed->reason != NULL)
		return pae_ctl_change_usage(error);
	changes = pae_store_list_changes(
		ctl->store, parsed->all ? 0 : PAE_CHANGE_STATES_OPEN, 0, error);
	if (changes == NULL)
		return FALSE;
	if (ctl->json)
		return pae_ctl_change_list_json(ctl, changes, error);
	pae_ctl_change_list_text(ctl, changes, parsed->all);
	return TRUE;
}

static void
pae_ctl_change_print_lines(PaeCtl *ctl, const gchar *title, GStrv lines)
{
	g_string_append_printf(ctl->out, "  %s:%s\n", title, lines[0] == NULL ? " -" : "");
	for (guint i = 0; lines[i] != NULL; i++)
		g_string_append_printf(ctl->out, "    %s\n", lines[i]);
}

static void
pae_ctl_change_print_text(PaeCtl *ctl, const PaeChangeRecord *change, GPtrArray *notes)
{
	g_autofree gchar *start = pae_ctl_change_time(change->window_start);
	g_autofree gchar *end = pae_ctl_change_time(change->window_end);
	g_autofree gchar *opened = pae_ctl_change_time(change->opened);

	g_string_append_printf(ctl->out,
			       "%s: %s\n"
			       "  state:       %s\n"
			       "  correlation: %s\n"
			       "  tenant:      %s\n"
			       "  category:    %s\n"
			       "  window:      %s to %s\n"
			       "  opened:      %s\n",
			       change->change_id,
			       change->summary,
			       pae_change_state_to_string(change->state),
			       change->correlation_id,
			       change->tenant != NULL ? change->tenant : "-",
			       change->category != NULL ? change->category : "-",
			       start,
			       end,
			       opened);
	if (change->approved != 0) {
		g_autofree gchar *approved = pae_ctl_change_time(change->approved);
		g_string_append_printf(ctl->out,
				       "  approved:    %s by %s\n",
				       approved,
				       change->approved_by != NULL ? change->approved_by : "-");
	}
	if (change->closed != 0) {
		g_autofree gchar *closed = pae_ctl_change_time(change->closed);
		g_string_append_printf(ctl->out,
				       "  closed:      %s (%s)\n",
				       closed,
				       change->close_code != NULL ? change->close_code : "-");
	}
	if (change->close_notes != NULL)
		g_string_append_printf(ctl->out, "  close notes: %s\n", change->close_notes);
	pae_ctl_change_print_lines(ctl, "VMs", change->vms);
	pae_ctl_change_print_lines(ctl, "patches", change->patches);
	if (change->description != NULL)
		g_string_append_printf(ctl->out, "  description:\n    %s\n", change->description);
	g_string_append(ctl->out, "  work notes:\n");
	for (guint i = 0; i < notes->len; i++) {
		PaeChangeNote *note = notes->pdata[i];
		g_autofree gchar *at = pae_ctl_change_time(note->at);
		g_string_append_printf(ctl->out, "    %s  %s\n", at, note->note);
	}
}

/* the whole change, as `show` prints it */
static gboolean
pae_ctl_change_print(PaeCtl *ctl, const gchar *change_id, GError **error)
{
	g_autoptr(PaeChangeRecord) change = pae_store_get_change(ctl->store, change_id, error);
	g_autoptr(GPtrArray) notes = NULL;

	if (change == NULL)
		return FALSE;
	notes = pae_store_list_change_notes(ctl->store, change_id, error);
	if (notes == NULL)
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_key(json, "change");
		pae_ctl_change_write_json(json, change, notes);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
		return TRUE;
	}
	pae_ctl_change_print_text(ctl, change, notes);
	return TRUE;
}

static gboolean
pae_ctl_change_show(PaeCtl *ctl, const PaeCtlChangeArgs *parsed, GError **error)
{
	if (parsed->change_id == NULL || parsed->reason != NULL || parsed->all)
		return pae_ctl_change_usage(error);
	return pae_ctl_change_print(ctl, parsed->change_id, error);
}

/* the agent's clock when the configuration names one, so times line up with its own */
static PaeTime
pae_ctl_change_now(PaeCtl *ctl)
{
	if (ctl->config != NULL && ctl->config->clock != NULL)
		return pae_clock_get_now(ctl->config->clock);
	return g_get_real_time();
}

static gboolean
pae_ctl_change_decide(PaeCtl *ctl,
		      const PaeCtlChangeArgs *parsed,
		      PaeChangeState state,
		      GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = NULL;
	const gchar *who = g_get_user_name();

	if (parsed->change_id == NULL || parsed->all)
		return pae_ctl_change_usage(error);
	if (state == PAE_CHANGE_STATE_REJECTED &&
	    (parsed->reason == NULL || parsed->reason[0] == '\0')) {
		g_set_error_literal(
			error, PAE_ERROR, PAE_ERROR_BAD_REQUEST, "a rejection needs --reason TEXT");
		return FALSE;
	}
	txn = pae_store_transaction_begin(ctl->store, error);
	if (txn == NULL)
		return FALSE;
	if (!pae_store_set_change_state(ctl->store,
					parsed->change_id,
					state,
					who,
					parsed->reason,
					pae_ctl_change_now(ctl),
					error) ||
	    /* the agent looks at its plans at once, not at the next poll */
	    pae_store_add_request(ctl->store,
				  "plans",
				  NULL,
				  parsed->change_id,
				  who,
				  pae_ctl_change_now(ctl),
				  error) == 0 ||
	    !pae_store_transaction_commit(txn, error))
		return FALSE;
	if (ctl->json)
		return pae_ctl_change_print(ctl, parsed->change_id, error);
	g_string_append_printf(ctl->out,
			       "%s %s by %s; pae-agent sees it at its next cycle\n",
			       parsed->change_id,
			       pae_change_state_to_string(state),
			       who);
	return TRUE;
}

/**
 * pae_ctl_cmd_change:
 *
 * `paectl change list [--all]`, `show CHG`, `approve CHG [--reason TEXT]`,
 * `reject CHG --reason TEXT`
 */
gboolean
pae_ctl_cmd_change(PaeCtl *ctl, gchar **args, GError **error)
{
	PaeCtlChangeArgs parsed = {NULL};
	const gchar *verb = args[0];

	if (verb == NULL)
		return pae_ctl_change_usage(error);
	if (!pae_ctl_change_parse(args + 1, &parsed, error))
		return FALSE;
	if (g_strcmp0(verb, "list") == 0)
		return pae_ctl_change_list(ctl, &parsed, error);
	if (g_strcmp0(verb, "show") == 0)
		return pae_ctl_change_show(ctl, &parsed, error);
	if (g_strcmp0(verb, "approve") == 0)
		return pae_ctl_change_decide(ctl, &parsed, PAE_CHANGE_STATE_APPROVED, error);
	if (g_strcmp0(verb, "reject") == 0)
		return pae_ctl_change_decide(ctl, &parsed, PAE_CHANGE_STATE_REJECTED, error);
	return pae_ctl_change_usage(error);
}
