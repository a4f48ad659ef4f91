/*
 * pae-requests: what paectl asked for
 *
 * Each pending request is handled in its own transaction, with its result
 * written into the request row (paectl shows it): "reconcile" and "check"
 * run those passes in this cycle; "baseline" plans an action that applies
 * everything a VM misses, at once. A baseline that cannot be planned yet
 * (no computer, a stale report) stays pending until it can.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeRequests"

#include "config.h"

#include "pae-requests.h"

#include "pae-catchup.h"
#include "pae-error.h"
#include "pae-store-requests.h"

static gboolean
pae_requests_baseline(PaeEngineContext *ctx, PaeRequest *request, gchar **result, GError **error)
{
	g_autofree gchar *key = NULL;
	g_autoptr(GError) error_local = NULL;

	if (ctx->patch_server == NULL) {
		*result = g_strdup("refused: no patch server is configured");
		return TRUE;
	}
	if (!pae_catchup_plan(ctx, request->vm_uuid, "baseline", &key, &error_local)) {
		/* not yet possible: keep the request for a later cycle */
		if (g_error_matches(error_local, PAE_ERROR, PAE_ERROR_BUSY)) {
			g_debug("baseline of %s waits: %s", request->vm_uuid, error_local->message);
			ctx->reconcile_requested = TRUE;
			return TRUE;
		}
		if (g_error_matches(error_local, PAE_ERROR, PAE_ERROR_NOT_FOUND)) {
			*result = g_strdup_printf("refused: %s", error_local->message);
			return TRUE;
		}
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	*result = key != NULL ? g_strdup_printf("planned action %s", key)
			      : g_strdup("nothing to do: no missing patch outside open actions");
	return TRUE;
}

static gboolean
pae_requests_handle(PaeEngineContext *ctx, PaeRequest *request, GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = pae_store_transaction_begin(ctx->store, error);
	g_autofree gchar *result = NULL;

	if (txn == NULL)
		return FALSE;
	if (g_strcmp0(request->kind, "reconcile") == 0) {
		ctx->reconcile_requested = TRUE;
		result = g_strdup("reconcile started");
	} else if (g_strcmp0(request->kind, "check") == 0) {
		ctx->check_requested = TRUE;
		result = g_strdup("check started");
	} else if (g_strcmp0(request->kind, "plans") == 0) {
		/* a change was approved or rejected: its plan moves on now */
		ctx->plans_requested = TRUE;
		result = g_strdup("plans looked at");
	} else if (g_strcmp0(request->kind, "baseline") == 0) {
		if (!pae_requests_baseline(ctx, request, &result, error))
			return FALSE;
	} else {
		result = g_strdup_printf("refused: unknown request '%s'", request->kind);
	}
	/* no result: the request waits for a later cycle */
	if (result == NULL)
		return TRUE;
	if (request->vm_uuid != NULL) {
		g_autofree gchar *detail = g_strdup_printf(
			"%s by %s: %s",
			request->kind,
			request->requester != NULL ? request->requester : "an operator",
			result);
		if (!pae_engine_record(ctx, request->vm_uuid, "request", NULL, detail, error))
			return FALSE;
	}
	if (!pae_store_finish_request(
		    ctx->store, request->id, result, pae_clock_get_now(ctx->clock), error))
		return FALSE;
	g_info("request #%" G_GINT64_FORMAT " %s: %s", request->id, request->kind, result);
	return pae_store_transaction_commit(txn, error);
}

gboolean
pae_requests_run(PaeEngineContext *ctx, guint *handled, GError **error)
{
	g_autoptr(GPtrArray) requests = pae_store_list_requests(ctx->store, TRUE, 100, error);

	if (requests == NULL)
		return FALSE;
	for (guint i = 0; i < requests->len; i++) {
		if (!pae_requests_handle(ctx, requests->pdata[i], error))
			return FALSE;
	}
	if (handled != NULL)
		*handled = requests->len;
	return TRUE;
}
