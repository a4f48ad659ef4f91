/*
 * pae-outbox: carrying out intended patch-server actions, exactly once
 *
 * Every action was written as an intent, with its idempotency key, in the
 * same transaction as the decision that made it. Here each intent is first
 * looked up on the server by its key — a crash between the creation and the
 * recording of the id leaves an action there that only the key can find —
 * and created only if absent. The result is recorded at once, one action
 * per transaction. A transient failure is retried later with backoff; a
 * refusal abandons the action and says why in the audit trail. Actions to
 * be stopped are stopped the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeOutbox"

#include "config.h"

#include "pae-outbox.h"

#include <string.h>

#include "pae-backoff.h"
#include "pae-error.h"
#include "pae-store-actions.h"

/* retries of one action are spaced from a minute up to an hour */
#define PAE_OUTBOX_RETRY_MIN G_TIME_SPAN_MINUTE
#define PAE_OUTBOX_RETRY_MAX G_TIME_SPAN_HOUR

static gboolean
pae_outbox_record_targets(PaeEngineContext *ctx,
			  PaeAction *action,
			  const gchar *kind,
			  const gchar *detail,
			  GError **error)
{
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		if (!pae_engine_record(ctx, target->vm_uuid, kind, action->key, detail, error))
			return FALSE;
	}
	return TRUE;
}

/* stores the action's new state and its audit records in one transaction */
static gboolean
pae_outbox_commit(PaeEngineContext *ctx,
		  PaeAction *action,
		  const gchar *kind,
		  const gchar *detail,
		  GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = pae_store_transaction_begin(ctx->store, error);

	if (txn == NULL)
		return FALSE;
	action->updated = pae_clock_get_now(ctx->clock);
	if (!pae_store_update_action(ctx->store, action, error))
		return FALSE;
	if (kind != NULL && !pae_outbox_record_targets(ctx, action, kind, detail, error))
		return FALSE;
	return pae_store_transaction_commit(txn, error);
}

/* the action with exactly this key, if the server has one */
static gboolean
pae_outbox_find(PaeEngineContext *ctx, const gchar *key, gchar **action_id, GError **error)
{
	g_autoptr(GPtrArray) found =
		pae_patch_server_find_actions(ctx->patch_server, key, ctx->cancellable, error);

	if (found == NULL)
		return FALSE;
	for (guint i = 0; i < found->len; i++) {
		PaeActionInfo *info = found->pdata[i];
		g_autofree gchar *title_key = pae_action_title_get_key(info->title);
		if (g_strcmp0(title_key, key) == 0) {
			*action_id = g_strdup(info->action_id);
			return TRUE;
		}
	}
	*action_id = NULL;
	return TRUE;
}

static gboolean
pae_outbox_defer(PaeEngineContext *ctx, PaeAction *action, const GError *failure, GError **error)
{
	PaeTime now = pae_clock_get_now(ctx->clock);

	action->next_attempt = now + pae_backoff_delay((guint)action->attempts,
						       PAE_OUTBOX_RETRY_MIN,
						       PAE_OUTBOX_RETRY_MAX,
						       g_random_double());
	action->attempts++;
	g_free(action->last_error);
	action->last_error = g_strdup(failure->message);
	g_warning("action %s: %s, retrying later", action->key, failure->message);
	return pae_outbox_commit(ctx, action, NULL, NULL, error);
}

static gboolean
pae_outbox_abandon(PaeEngineContext *ctx, PaeAction *action, const gchar *why, GError **error)
{
	g_autofree gchar *detail = g_strdup_printf("%s: %s", action->summary, why);

	action->state = PAE_ACTION_STATE_ABANDONED;
	g_free(action->last_error);
	action->last_error = g_strdup(why);
	g_warning("action %s abandoned: %s", action->key, why);
	return pae_outbox_commit(ctx, action, "action-abandoned", detail, error);
}

static gboolean
pae_outbox_create(PaeEngineContext *ctx,
		  PaeAction *action,
		  PaeOutboxSummary *summary,
		  GError **error)
{
	g_autoptr(GError) failure = NULL;
	g_autofree gchar *action_id = NULL;
	g_autoptr(PaeActionRequest) request = NULL;
	g_autofree gchar *detail = NULL;
	gboolean adopted = FALSE;

	if (action->end <= pae_clock_get_now(ctx->clock)) {
		summary->abandoned++;
		return pae_outbox_abandon(
			ctx, action, "its window ended before it was created", error);
	}
	if (!pae_outbox_find(ctx, action->key, &action_id, &failure)) {
		summary->deferred++;
		return pae_outbox_defer(ctx, action, failure, error);
	}
	if (action_id != NULL) {
		adopted = TRUE;
	} else {
		request = pae_action_to_request(action);
		action_id = pae_patch_server_create_action(
			ctx->patch_server, request, ctx->cancellable, &failure);
	}
	if (action_id == NULL) {
		if (pae_error_is_transient(failure)) {
			summary->deferred++;
			return pae_outbox_defer(ctx, action, failure, error);
		}
		summary->abandoned++;
		return pae_outbox_abandon(ctx, action, failure->message, error);
	}
	action->action_id = g_steal_pointer(&action_id);
	action->state = PAE_ACTION_STATE_OPEN;
	action->attempts++;
	g_clear_pointer(&action->last_error, g_free);
	if (adopted)
		summary->adopted++;
	else
		summary->created++;
	detail = g_strdup_printf("%s: action %s %s",
				 action->summary,
				 action->action_id,
				 adopted ? "found on the server (created before a restart)"
					 : "created");
	g_info("%s", detail);
	return pae_outbox_commit(ctx, action, "action-created", detail, error);
}

static gboolean
pae_outbox_stop(PaeEngineContext *ctx, PaeAction *action, PaeOutboxSummary *summary, GError **error)
{
	g_autoptr(GError) failure = NULL;
	g_autofree gchar *detail = NULL;

	/* an intent cancelled before it was recorded as created may still exist */
	if (action->action_id == NULL &&
	    !pae_outbox_find(ctx, action->key, &action->action_id, &failure)) {
		summary->deferred++;
		return pae_outbox_defer(ctx, action, failure, error);
	}
	if (action->action_id != NULL &&
	    !pae_patch_server_stop_action(
		    ctx->patch_server, action->action_id, ctx->cancellable, &failure) &&
	    !g_error_matches(failure, PAE_ERROR, PAE_ERROR_NOT_FOUND)) {
		summary->deferred++;
		return pae_outbox_defer(ctx, action, failure, error);
	}
	action->state = PAE_ACTION_STATE_CANCELLED;
	summary->stopped++;
	detail = g_strdup_printf("%s: stopped%s%s",
				 action->summary,
				 action->action_id != NULL ? " action " : " before it was created",
				 action->action_id != NULL ? action->action_id : "");
	return pae_outbox_commit(ctx, action, "action-stopped", detail, error);
}

static gboolean
pae_outbox_run_state(PaeEngineContext *ctx,
		     PaeActionState state,
		     PaeOutboxSummary *summary,
		     GError **error)
{
	g_autoptr(GPtrArray) actions = pae_store_list_actions(ctx->store, state, error);
	PaeTime now = pae_clock_get_now(ctx->clock);

	if (actions == NULL)
		return FALSE;
	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		gboolean ok;
		if (action->next_attempt > now)
			continue;
		if (g_cancellable_is_cancelled(ctx->cancellable))
			break;
		ok = state == PAE_ACTION_STATE_INTENDED
			     ? pae_outbox_create(ctx, action, summary, error)
			     : pae_outbox_stop(ctx, action, summary, error);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/**
 * pae_outbox_run:
 *
 * Creates every intended action that is due and stops every action asked to
 * stop. Patch-server failures are recorded per action, not returned.
 */
gboolean
pae_outbox_run(PaeEngineContext *ctx, PaeOutboxSummary *summary, GError **error)
{
	memset(summary, 0, sizeof(*summary));
	return pae_outbox_run_state(ctx, PAE_ACTION_STATE_STOPPING, summary, error) &&
	       pae_outbox_run_state(ctx, PAE_ACTION_STATE_INTENDED, summary, error);
}
