/*
 * pae-engine: decides and acts, on a worker thread, kicked by the main loop
 *
 * The main loop never waits on the database or the patch server. It kicks
 * the engine when something happened (observations were stored) and on a
 * timer; kicks coalesce. Each kick runs one cycle on the worker thread:
 *
 *   requests from paectl → new observations → reconcile (when due or asked)
 *   → outbox (create intended actions, stop cancelled ones) → check (when
 *   due or asked)
 *
 * then tells the main loop when the next piece of work is due, on the
 * agent's clock, so a fast simulated clock makes the engine fast too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeEngine"

#include "config.h"

#include "pae-engine.h"

#include "pae-activation.h"
#include "pae-alerts.h"
#include "pae-backoff.h"
#include "pae-checker.h"
#include "pae-engine-context.h"
#include "pae-error.h"
#include "pae-observer.h"
#include "pae-outbox.h"
#include "pae-plans.h"
#include "pae-reconciler.h"
#include "pae-requests.h"
#include "pae-scheduler.h"
#include "pae-store-actions.h"
#include "pae-store-plans.h"
#include "pae-store-requests.h"

/* whatever is due, the engine looks at paectl's requests this often (real time) */
#define PAE_ENGINE_POLL_MS     1000
#define PAE_ENGINE_MIN_WAIT_MS 20

struct _PaeEngine {
	GObject parent_instance;
	GMainContext *context;
	PaeConfig *config; /* guarded by mutex: a reload swaps it */
	PaeClock *clock;
	GMutex mutex;
	GAsyncQueue *queue;
	GThread *thread;
	GCancellable *cancellable;
	gboolean kick_pending; /* atomic */
	GSource *timer;
	gchar *start_error;
	gboolean started;
	GCond cond;
	gint cycles; /* atomic */
	gboolean reconcile_soon;
	gboolean check_soon;
	gboolean schedule_soon;
	PaeHandover *handover; /* the worker's own libvirt connection, for hand-overs */
	/* incident delivery backs off while its backend is away (real time) */
	gint64 alerts_retry_at;
	guint alerts_failures;
};

G_DEFINE_TYPE(PaeEngine, pae_engine, G_TYPE_OBJECT)

enum { PAE_ENGINE_ITEM_CYCLE = 1, PAE_ENGINE_ITEM_STOP = 2 };

static void
pae_engine_schedule(PaeEngine *self, PaeTime next_due);

/* is a periodic pass due: never ran, or ran @interval ago */
static gboolean
pae_engine_pass_due(PaeEngineContext *ctx, const gchar *name, GTimeSpan interval, PaeTime *next)
{
	g_autoptr(PaePass) pass = pae_store_get_pass(ctx->store, name, NULL);
	PaeTime now = pae_clock_get_now(ctx->clock);
	PaeTime due;

	if (pass == NULL)
		return TRUE;
	due = pass->started + interval;
	if (due <= now)
		return TRUE;
	*next = MIN(*next, due);
	return FALSE;
}

static void
pae_engine_warn(const gchar *job, GError *error)
{
	if (pae_error_is_transient(error))
		g_warning("%s: %s, trying again later", job, error->message);
	else
		g_warning("%s failed: %s", job, error->message);
}

/* activations, re-baselines and catch-ups that can go ahead, and hand-overs */
static void
pae_engine_run_lifecycle(PaeEngine *self, PaeEngineContext *ctx)
{
	g_autoptr(GError) error = NULL;
	guint changed = 0;

	if (!pae_activation_run(ctx, self->handover, &changed, &error))
		pae_engine_warn("lifecycle", error);
	else if (changed > 0)
		ctx->outbox_requested = TRUE;
}

/* the scheduler follows every reconcile, and runs at least every check interval */
static void
pae_engine_run_scheduler(PaeEngine *self, PaeEngineContext *ctx, gboolean reconciled, PaeTime *next)
{
	g_autoptr(GError) error = NULL;
	PaeScheduleSummary schedule;

	if (!reconciled && !ctx->plans_requested && !self->schedule_soon &&
	    !pae_engine_pass_due(ctx, "schedule", ctx->config->check_interval, next))
		return;
	self->schedule_soon = FALSE;
	if (!pae_scheduler_run(ctx, &schedule, &error)) {
		pae_engine_warn("schedule", error);
		return;
	}
	if (schedule.placed > 0)
		g_info("scheduled: %u placed in %u new plan%s, %u waiting, %u skipped, %u late",
		       schedule.placed,
		       schedule.plans_created,
		       schedule.plans_created == 1 ? "" : "s",
		       schedule.waiting,
		       schedule.skipped,
		       schedule.late);
}

/* change records opened, polled and closed; then plans' next steps are due */
static void
pae_engine_run_plans(PaeEngine *self, PaeEngineContext *ctx, PaeTime *next)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) plans = NULL;
	PaePlansSummary summary;
	PaeTime now = pae_clock_get_now(ctx->clock);

	if (!pae_plans_run(ctx, &summary, &error)) {
		pae_engine_warn("plans", error);
		return;
	}
	/* a plan that ended frees its patches, and may let a later stage go */
	if (summary.closed + summary.missed + summary.rejected + summary.cancelled > 0 ||
	    ctx->plans_requested) {
		self->schedule_soon = TRUE;
		*next = now;
	}
	plans = pae_store_list_plans(ctx->store, TRUE, 10000, NULL);
	for (guint i = 0; plans != NULL && i < plans->len; i++) {
		PaePlan *plan = plans->pdata[i];
		if (plan->next_attempt > now)
			*next = MIN(*next, plan->next_attempt);
		if (plan->state == PAE_PLAN_STATE_CHANGE_OPEN && plan->first_start > now)
			*next = MIN(*next, plan->first_start);
	}
}

/* incidents to the backend; while it is away, tried again from 1 s up to 5 min apart */
static void
pae_engine_deliver_alerts(PaeEngine *self, PaeEngineContext *ctx)
{
	g_autoptr(GError) error = NULL;
	guint delivered = 0;
	gint64 now = g_get_monotonic_time();

	if (now < self->alerts_retry_at && !ctx->alerts_pending)
		return;
	if (!pae_alerts_deliver(ctx, &delivered, &error)) {
		GTimeSpan delay = pae_backoff_delay(self->alerts_failures++,
						    G_TIME_SPAN_SECOND,
						    5 * G_TIME_SPAN_MINUTE,
						    g_random_double());
		self->alerts_retry_at = now + delay;
		/* the first failure is news; the retries are not */
		if (self->alerts_failures == 1)
			pae_engine_warn("incidents", error);
		else
			g_debug("incidents: %s", error->message);
		return;
	}
	if (self->alerts_failures > 0)
		g_info("incidents are delivered again");
	self->alerts_failures = 0;
	self->alerts_retry_at = 0;
	if (delivered > 0)
		g_debug("%u incident record%s delivered", delivered, delivered == 1 ? "" : "s");
}

static void
pae_engine_run_patch_jobs(PaeEngine *self, PaeEngineContext *ctx, PaeTime *next)
{
	g_autoptr(GError) error = NULL;
	PaeReconcileSummary reconcile;
	PaeOutboxSummary outbox;
	PaeCheckSummary check;
	gboolean reconciled = FALSE;
	gint64 open;

	if (ctx->reconcile_requested || self->reconcile_soon ||
	    pae_engine_pass_due(ctx, "reconcile", ctx->config->reconcile_interval, next)) {
		self->reconcile_soon = FALSE;
		reconciled = pae_reconciler_run(ctx, &reconcile, &error);
		if (!reconciled) {
			pae_engine_warn("reconcile", error);
			g_clear_error(&error);
		}
	}
	pae_engine_run_lifecycle(self, ctx);
	pae_engine_run_scheduler(self, ctx, reconciled, next);
	pae_engine_run_plans(self, ctx, next);
	if (!pae_outbox_run(ctx, &outbox, &error)) {
		pae_engine_warn("outbox", error);
		g_clear_error(&error);
	} else if (outbox.created + outbox.adopted > 0) {
		/* new actions: look at them again soon */
		*next = MIN(*next, pae_clock_get_now(ctx->clock) + ctx->config->check_interval / 5);
	}
	open = pae_store_count_actions(ctx->store, PAE_ACTION_STATE_OPEN, NULL);
	if (open > 0 && (ctx->check_requested || self->check_soon ||
			 pae_engine_pass_due(ctx, "check", ctx->config->check_interval, next))) {
		self->check_soon = FALSE;
		if (!pae_checker_run(ctx, &check, &error)) {
			pae_engine_warn("check", error);
			g_clear_error(&error);
		} else if (check.done + check.failed > 0 || check.closed > 0) {
			/* a patch applied: its VM's compliance changes at the next report,
			 * and a plan whose actions all ended is closed */
			self->reconcile_soon = TRUE;
			*next = pae_clock_get_now(ctx->clock);
		}
	}
	pae_engine_deliver_alerts(self, ctx);
}

/* the earliest retry of an intended or stopping action */
static void
pae_engine_next_outbox(PaeEngineContext *ctx, PaeTime *next)
{
	const PaeActionState states[] = {PAE_ACTION_STATE_INTENDED, PAE_ACTION_STATE_STOPPING};

	for (guint s = 0; s < G_N_ELEMENTS(states); s++) {
		g_autoptr(GPtrArray) actions = pae_store_list_actions(ctx->store, states[s], NULL);
		for (guint i = 0; actions != NULL && i < actions->len; i++) {
			PaeAction *action = actions->pdata[i];
			*next = MIN(*next, action->next_attempt);
		}
	}
}

static PaeConfig *
pae_engine_dup_config(PaeEngine *self)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	return pae_config_ref(self->config);
}

static PaeTime
pae_engine_cycle(PaeEngine *self, PaeStore *store)
{
	g_autoptr(GError) error = NULL;
	/* one configuration for the whole cycle, even if a reload swaps it meanwhile */
	g_autoptr(PaeConfig) config = pae_engine_dup_config(self);
	PaeEngineContext ctx = {
		.store = store,
		.clock = self->clock,
		.config = config,
		.patch_server = config->patch_server,
		.cancellable = self->cancellable,
	};
	PaeTime next = G_MAXINT64;
	guint handled = 0;

	if (!pae_requests_run(&ctx, NULL, &error)) {
		pae_engine_warn("requests", error);
		g_clear_error(&error);
	}
	do {
		if (!pae_observer_run(&ctx, &handled, &error)) {
			pae_engine_warn("observations", error);
			g_clear_error(&error);
			break;
		}
	} while (handled > 0 && !g_cancellable_is_cancelled(self->cancellable));
	if (ctx.patch_server != NULL) {
		pae_engine_run_patch_jobs(self, &ctx, &next);
		pae_engine_next_outbox(&ctx, &next);
	}
	return next;
}

typedef struct {
	PaeEngine *self;
	PaeTime next_due;
} PaeEngineCycleDone;

static gboolean
pae_engine_cycle_done_cb(gpointer user_data)
{
	PaeEngineCycleDone *done = user_data;
	pae_engine_schedule(done->self, done->next_due);
	return G_SOURCE_REMOVE;
}

static void
pae_engine_cycle_done_free(gpointer user_data)
{
	PaeEngineCycleDone *done = user_data;
	g_object_unref(done->self);
	g_free(done);
}

static gpointer
pae_engine_thread(gpointer user_data)
{
	PaeEngine *self = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeConfig) config = pae_engine_dup_config(self);
	g_autoptr(PaeStore) store =
		pae_store_open(config->database, PAE_STORE_OPEN_DEFAULT, &error);

	g_mutex_lock(&self->mutex);
	self->started = TRUE;
	if (store == NULL)
		self->start_error = g_strdup(error->message);
	g_cond_broadcast(&self->cond);
	g_mutex_unlock(&self->mutex);
	if (store == NULL)
		return NULL;

	self->handover = pae_handover_new();
	for (;;) {
		gint item = GPOINTER_TO_INT(g_async_queue_pop(self->queue));
		PaeEngineCycleDone *done;

		if (item == PAE_ENGINE_ITEM_STOP)
			break;
		g_atomic_int_set(&self->kick_pending, FALSE);
		done = g_new0(PaeEngineCycleDone, 1);
		done->self = g_object_ref(self);
		done->next_due = pae_engine_cycle(self, store);
		g_atomic_int_inc(&self->cycles);
		g_main_context_invoke_full(self->context,
					   G_PRIORITY_DEFAULT,
					   pae_engine_cycle_done_cb,
					   done,
					   pae_engine_cycle_done_free);
	}
	g_clear_pointer(&self->handover, pae_handover_free);
	return NULL;
}

static gboolean
pae_engine_timer_cb(gpointer user_data)
{
	PaeEngine *self = PAE_ENGINE(user_data);
	g_clear_pointer(&self->timer, g_source_unref);
	pae_engine_kick(self);
	return G_SOURCE_REMOVE;
}

/* the next kick: when work is due on the clock, and at least every poll */
static void
pae_engine_schedule(PaeEngine *self, PaeTime next_due)
{
	PaeTime now = pae_clock_get_now(self->clock);
	guint delay_ms = PAE_ENGINE_POLL_MS;

	if (self->thread == NULL)
		return;
	if (next_due != G_MAXINT64)
		delay_ms = MIN(delay_ms, pae_clock_to_real_ms(self->clock, MAX(next_due - now, 0)));
	delay_ms = MAX(delay_ms, PAE_ENGINE_MIN_WAIT_MS);
	if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
	self->timer = g_timeout_source_new(delay_ms);
	g_source_set_name(self->timer, "[PaeEngine] next cycle");
	g_source_set_callback(self->timer, pae_engine_timer_cb, self, NULL);
	g_source_attach(self->timer, self->context);
}

/**
 * pae_engine_kick:
 *
 * Asks for a cycle soon; kicks while one is pending are merged.
 */
void
pae_engine_kick(PaeEngine *self)
{
	if (self->thread == NULL)
		return;
	if (!g_atomic_int_compare_and_exchange(&self->kick_pending, FALSE, TRUE))
		return;
	g_async_queue_push(self->queue, GINT_TO_POINTER(PAE_ENGINE_ITEM_CYCLE));
}

gboolean
pae_engine_start(PaeEngine *self, GError **error)
{
	self->thread = g_thread_new("pae-engine", pae_engine_thread, self);
	g_mutex_lock(&self->mutex);
	while (!self->started)
		g_cond_wait(&self->cond, &self->mutex);
	g_mutex_unlock(&self->mutex);
	if (self->start_error != NULL) {
		g_thread_join(g_steal_pointer(&self->thread));
		g_set_error(error, PAE_ERROR, PAE_ERROR_STORE, "%s", self->start_error);
		return FALSE;
	}
	pae_engine_kick(self);
	return TRUE;
}

/**
 * pae_engine_stop:
 *
 * Lets the running cycle finish its current step (patch-server calls are
 * cancelled), then ends the worker.
 */
void
pae_engine_stop(PaeEngine *self)
{
	if (self->thread == NULL)
		return;
	g_cancellable_cancel(self->cancellable);
	g_async_queue_push_front(self->queue, GINT_TO_POINTER(PAE_ENGINE_ITEM_STOP));
	g_thread_join(g_steal_pointer(&self->thread));
	if (self->timer != NULL) {
		g_source_destroy(self->timer);
		g_clear_pointer(&self->timer, g_source_unref);
	}
}

/**
 * pae_engine_set_config:
 *
 * A reloaded configuration, with its backends; the next cycle uses it.
 */
void
pae_engine_set_config(PaeEngine *self, PaeConfig *config)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&self->mutex);
	pae_config_unref(self->config);
	self->config = pae_config_ref(config);
}

guint64
pae_engine_get_cycle_count(PaeEngine *self)
{
	return (guint64)g_atomic_int_get(&self->cycles);
}

static void
pae_engine_finalize(GObject *object)
{
	PaeEngine *self = PAE_ENGINE(object);

	pae_engine_stop(self);
	g_async_queue_unref(self->queue);
	g_object_unref(self->cancellable);
	g_main_context_unref(self->context);
	g_clear_object(&self->clock);
	pae_config_unref(self->config);
	g_free(self->start_error);
	g_mutex_clear(&self->mutex);
	g_cond_clear(&self->cond);
	G_OBJECT_CLASS(pae_engine_parent_class)->finalize(object);
}

static void
pae_engine_class_init(PaeEngineClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = pae_engine_finalize;
}

static void
pae_engine_init(PaeEngine *self)
{
	self->context = g_main_context_ref_thread_default();
	self->queue = g_async_queue_new();
	self->cancellable = g_cancellable_new();
	g_mutex_init(&self->mutex);
	g_cond_init(&self->cond);
}

/**
 * pae_engine_new:
 * @config: the configuration, with the patch-server backend it set up
 */
PaeEngine *
pae_engine_new(PaeConfig *config)
{
	PaeEngine *self = g_object_new(PAE_TYPE_ENGINE, NULL);
	self->config = pae_config_ref(config);
	self->clock = g_object_ref(config->clock);
	return self;
}
