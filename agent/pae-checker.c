/*
 * pae-checker: how the patch server's actions went
 *
 * One pass reads the state and the per-computer results of every open
 * action in two bulk requests, turns each status into an outcome (done,
 * failed, waiting, missed, ...) and records it with its evidence: the
 * server's status, exit code, apply count and times. A target's outcome
 * change goes into its VM's audit trail; an action whose targets all have a
 * final outcome, or that ended on the server, is closed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeChecker"

#include "config.h"

#include "pae-checker.h"

#include <string.h>

#include "pae-error.h"
#include "pae-store-actions.h"
#include "pae-store-requests.h"

typedef struct {
	GHashTable *states;  /* action id → PaeActionInfo */
	GHashTable *results; /* "action\x1fcomputer" → PaeActionResult */
	GPtrArray *state_list;
	GPtrArray *result_list;
} PaeCheckFetch;

static void
pae_check_fetch_clear(PaeCheckFetch *fetch)
{
	g_clear_pointer(&fetch->states, g_hash_table_unref);
	g_clear_pointer(&fetch->results, g_hash_table_unref);
	g_clear_pointer(&fetch->state_list, g_ptr_array_unref);
	g_clear_pointer(&fetch->result_list, g_ptr_array_unref);
}

static gchar *
pae_check_result_key(const gchar *action_id, const gchar *computer_id)
{
	return g_strdup_printf("%s\x1f%s", action_id, computer_id);
}

static gboolean
pae_check_fetch(PaeEngineContext *ctx, GPtrArray *actions, PaeCheckFetch *fetch, GError **error)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new();

	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		g_ptr_array_add(ids, action->action_id);
	}
	fetch->state_list =
		pae_patch_server_get_action_states(ctx->patch_server, ids, ctx->cancellable, error);
	if (fetch->state_list == NULL)
		return FALSE;
	fetch->result_list = pae_patch_server_get_action_results(
		ctx->patch_server, ids, ctx->cancellable, error);
	if (fetch->result_list == NULL)
		return FALSE;
	fetch->states = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < fetch->state_list->len; i++) {
		PaeActionInfo *info = fetch->state_list->pdata[i];
		g_hash_table_insert(fetch->states, info->action_id, info);
	}
	fetch->results = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < fetch->result_list->len; i++) {
		PaeActionResult *r = fetch->result_list->pdata[i];
		g_hash_table_insert(
			fetch->results, pae_check_result_key(r->action_id, r->computer_id), r);
	}
	return TRUE;
}

static gchar *
pae_check_describe(PaeAction *action, PaeActionTarget *target)
{
	g_autofree gchar *start = target->start != 0 ? pae_time_to_iso8601(target->start) : NULL;
	g_autofree gchar *end = target->end != 0 ? pae_time_to_iso8601(target->end) : NULL;
	GString *text = g_string_new(NULL);

	g_string_append_printf(text,
			       "%s: %s",
			       action->summary,
			       target->status != NULL ? target->status : "no report");
	if (target->exit_code >= 0)
		g_string_append_printf(text, ", exit code %d", target->exit_code);
	if (start != NULL)
		g_string_append_printf(text, ", started %s", start);
	if (end != NULL)
		g_string_append_printf(text, ", ended %s", end);
	if (action->action_id != NULL)
		g_string_append_printf(text, " (action %s)", action->action_id);
	return g_string_free(text, FALSE);
}

/* applies one result to one target; records and stores it when it changed */
static gboolean
pae_check_target(PaeEngineContext *ctx,
		 PaeAction *action,
		 PaeActionTarget *target,
		 PaeActionResult *result,
		 PaeTime now,
		 PaeCheckSummary *summary,
		 GError **error)
{
	PaeOutcome outcome = pae_outcome_from_status(result != NULL ? result->status : NULL,
						     action->server_state);
	g_autofree gchar *kind = NULL;
	g_autofree gchar *detail = NULL;

	if (outcome == target->outcome &&
	    g_strcmp0(result != NULL ? result->status : NULL, target->status) == 0)
		return TRUE;
	target->outcome = outcome;
	g_free(target->status);
	target->status = g_strdup(result != NULL ? result->status : NULL);
	if (result != NULL) {
		target->exit_code = result->exit_code;
		target->apply_count = result->apply_count;
		target->start = result->start;
		target->end = result->end;
	}
	target->checked = now;
	if (!pae_store_update_target(ctx->store, action->key, target, error))
		return FALSE;
	summary->changed++;
	if (outcome == PAE_OUTCOME_DONE)
		summary->done++;
	if (outcome == PAE_OUTCOME_FAILED)
		summary->failed++;
	if (outcome == PAE_OUTCOME_PENDING || outcome == PAE_OUTCOME_RUNNING)
		return TRUE;
	kind = g_strdup_printf("action-%s", pae_outcome_to_string(outcome));
	detail = pae_check_describe(action, target);
	return pae_engine_record(ctx, target->vm_uuid, kind, action->key, detail, error);
}

static gboolean
pae_check_action(PaeEngineContext *ctx,
		 PaeAction *action,
		 PaeCheckFetch *fetch,
		 PaeTime now,
		 PaeCheckSummary *summary,
		 GError **error)
{
	PaeActionInfo *info = g_hash_table_lookup(fetch->states, action->action_id);

	/* an action the server no longer lists was deleted there */
	g_free(action->server_state);
	action->server_state = g_strdup(info != NULL ? info->state : "Stopped");
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		g_autofree gchar *key =
			pae_check_result_key(action->action_id, target->computer_id);
		if (!pae_check_target(ctx,
				      action,
				      target,
				      g_hash_table_lookup(fetch->results, key),
				      now,
				      summary,
				      error))
			return FALSE;
	}
	if (pae_action_all_targets_final(action) ||
	    g_strcmp0(action->server_state, "Expired") == 0 ||
	    g_strcmp0(action->server_state, "Stopped") == 0) {
		action->state = g_strcmp0(action->server_state, "Stopped") == 0 &&
						!pae_action_all_targets_final(action)
					? PAE_ACTION_STATE_CANCELLED
					: PAE_ACTION_STATE_CLOSED;
		summary->closed++;
	}
	action->updated = now;
	return pae_store_update_action(ctx->store, action, error);
}

/**
 * pae_checker_run:
 *
 * One pass over every open action. Nothing to do is not an error.
 */
gboolean
pae_checker_run(PaeEngineContext *ctx, PaeCheckSummary *summary, GError **error)
{
	g_autoptr(GPtrArray) actions = NULL;
	g_autoptr(PaeStoreTransaction) txn = NULL;
	PaeCheckFetch fetch = {NULL};
	PaeTime now = pae_clock_get_now(ctx->clock);
	gboolean ok;

	memset(summary, 0, sizeof(*summary));
	actions = pae_store_list_actions(ctx->store, PAE_ACTION_STATE_OPEN, error);
	if (actions == NULL)
		return FALSE;
	if (!pae_store_begin_pass(ctx->store, "check", now, error))
		return FALSE;
	if (actions->len == 0)
		return pae_store_end_pass(ctx->store, "check", now, TRUE, "no open actions", error);
	summary->actions = actions->len;
	if (!pae_check_fetch(ctx, actions, &fetch, error)) {
		pae_check_fetch_clear(&fetch);
		pae_store_end_pass(ctx->store, "check", now, FALSE, (*error)->message, NULL);
		return FALSE;
	}
	txn = pae_store_transaction_begin(ctx->store, error);
	ok = txn != NULL;
	for (guint i = 0; ok && i < actions->len; i++)
		ok = pae_check_action(ctx, actions->pdata[i], &fetch, now, summary, error);
	pae_check_fetch_clear(&fetch);
	if (!ok || !pae_store_transaction_commit(txn, error))
		return FALSE;
	return pae_store_end_pass(ctx->store, "check", now, TRUE, NULL, error);
}
