/*
 * The lifecycle's next step, case by case: pae_lifecycle_decide() for a VM
 * waiting for its activation, re-baseline or catch-up (a trusted report plans
 * the action, its outcome makes the VM ready or raises an incident, the
 * deadline bounds the wait), ready and retired VMs that always wait, the
 * purpose of each state's action, and the state and verdict names.
 *
 * Every expected verdict is written by hand from the lifecycle's rules, never
 * copied from the code's output.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-lifecycle.h"
#include "pae-test-util.h"

/* 2026-03-14T00:00:00Z; the deadline a week later */
#define T0	 ((PaeTime)1773446400 * G_USEC_PER_SEC)
#define DEADLINE (T0 + (PaeTime)7 * 24 * 3600 * G_USEC_PER_SEC)
#define BEFORE	 (DEADLINE - 1)
#define AFTER	 (DEADLINE + 1)
#define KEY	 "activation/aaaaaaaa-0000-4000-8000-000000000001/1"

static PaeLifecycle *
lifecycle_new(PaeLifecycleState state, PaeTime deadline, const gchar *action_key)
{
	PaeLifecycle *lc = pae_lifecycle_new("aaaaaaaa-0000-4000-8000-000000000001", state, T0);
	lc->deadline = deadline;
	lc->action_key = g_strdup(action_key);
	return lc;
}

static PaeLifecycleVerdict
decide(PaeLifecycleState state,
       PaeTime deadline,
       const gchar *action_key,
       gboolean has_action,
       PaeOutcome outcome,
       gboolean trusted,
       PaeTime now)
{
	g_autoptr(PaeLifecycle) lc = lifecycle_new(state, deadline, action_key);
	const PaeLifecycleInput input = {
		.lifecycle = lc,
		.now = now,
		.report_trusted = trusted,
		.has_action = has_action,
		.outcome = outcome,
	};
	return pae_lifecycle_decide(&input);
}

typedef struct {
	const gchar *name;
	PaeLifecycleState state;
	PaeTime deadline;	 /* 0: none */
	const gchar *action_key; /* NULL: none planned */
	gboolean has_action;	 /* the store knows action_key */
	PaeOutcome outcome;
	gboolean trusted;
	PaeTime now;
	PaeLifecycleVerdict verdict;
} DecideCase;

#define PROV	  PAE_LIFECYCLE_PROVISIONING
#define REBASE	  PAE_LIFECYCLE_REBASELINING
#define CATCHUP	  PAE_LIFECYCLE_CATCHING_UP
#define WAIT	  PAE_LIFECYCLE_WAIT
#define PLAN	  PAE_LIFECYCLE_PLAN_ACTION
#define READY	  PAE_LIFECYCLE_BECOME_READY
#define FAILED	  PAE_LIFECYCLE_FAILED
#define TIMED_OUT PAE_LIFECYCLE_TIMED_OUT

/* one case two lines: its name, then state, deadline, action key, known to the store,
 * outcome, report trusted, now and the expected verdict */
/* clang-format off */
static const DecideCase decide_cases[] = {
    /* no action yet: a trusted report plans it, whatever the clock says */
    {"provisioning, trusted report",
     PROV, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, TRUE, BEFORE, PLAN},
    {"provisioning, trusted report past the deadline",
     PROV, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, TRUE, AFTER, PLAN},
    {"rebaselining, trusted report",
     REBASE, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, TRUE, BEFORE, PLAN},
    {"catching-up, trusted report",
     CATCHUP, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, TRUE, BEFORE, PLAN},
    {"catching-up, trusted report, no deadline",
     CATCHUP, 0, NULL, FALSE, PAE_OUTCOME_PENDING, TRUE, T0, PLAN},

    /* no action, no trusted report: wait until the deadline, then time out */
    {"provisioning, untrusted, before the deadline",
     PROV, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, BEFORE, WAIT},
    {"provisioning, untrusted, at the deadline",
     PROV, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, DEADLINE, TIMED_OUT},
    {"provisioning, untrusted, after the deadline",
     PROV, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, AFTER, TIMED_OUT},
    {"rebaselining, untrusted, before the deadline",
     REBASE, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, BEFORE, WAIT},
    {"rebaselining, untrusted, at the deadline",
     REBASE, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, DEADLINE, TIMED_OUT},
    {"catching-up, untrusted, before the deadline",
     CATCHUP, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, BEFORE, WAIT},
    {"catching-up, untrusted, after the deadline",
     CATCHUP, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, AFTER, TIMED_OUT},
    {"provisioning, untrusted, no deadline",
     PROV, 0, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, AFTER, WAIT},
    {"rebaselining, untrusted, no deadline, the end of time",
     REBASE, 0, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, G_MAXINT64, WAIT},

    /* an action the store lost counts as none, whatever its outcome says */
    {"provisioning, lost action, trusted report",
     PROV, DEADLINE, KEY, FALSE, PAE_OUTCOME_DONE, TRUE, BEFORE, PLAN},
    {"rebaselining, lost action, trusted report",
     REBASE, DEADLINE, KEY, FALSE, PAE_OUTCOME_FAILED, TRUE, AFTER, PLAN},
    {"catching-up, lost action, untrusted, before the deadline",
     CATCHUP, DEADLINE, KEY, FALSE, PAE_OUTCOME_DONE, FALSE, BEFORE, WAIT},
    {"provisioning, lost action, untrusted, after the deadline",
     PROV, DEADLINE, KEY, FALSE, PAE_OUTCOME_DONE, FALSE, AFTER, TIMED_OUT},
    {"rebaselining, lost action, untrusted, no deadline",
     REBASE, 0, KEY, FALSE, PAE_OUTCOME_CANCELLED, FALSE, AFTER, WAIT},
    /* and so does a known action with no key to name it */
    {"provisioning, no key, trusted report",
     PROV, DEADLINE, NULL, TRUE, PAE_OUTCOME_DONE, TRUE, BEFORE, PLAN},
    {"catching-up, no key, untrusted, after the deadline",
     CATCHUP, DEADLINE, NULL, TRUE, PAE_OUTCOME_DONE, FALSE, AFTER, TIMED_OUT},

    /* an action: done makes the VM ready, even late */
    {"provisioning, done",
     PROV, DEADLINE, KEY, TRUE, PAE_OUTCOME_DONE, TRUE, BEFORE, READY},
    {"rebaselining, done, untrusted",
     REBASE, DEADLINE, KEY, TRUE, PAE_OUTCOME_DONE, FALSE, BEFORE, READY},
    {"catching-up, done after the deadline",
     CATCHUP, DEADLINE, KEY, TRUE, PAE_OUTCOME_DONE, FALSE, AFTER, READY},

    /* failed, missed or cancelled: an incident, even before the deadline */
    {"provisioning, failed",
     PROV, DEADLINE, KEY, TRUE, PAE_OUTCOME_FAILED, TRUE, BEFORE, FAILED},
    {"rebaselining, failed after the deadline",
     REBASE, DEADLINE, KEY, TRUE, PAE_OUTCOME_FAILED, FALSE, AFTER, FAILED},
    {"catching-up, missed",
     CATCHUP, DEADLINE, KEY, TRUE, PAE_OUTCOME_MISSED, FALSE, BEFORE, FAILED},
    {"provisioning, missed, no deadline",
     PROV, 0, KEY, TRUE, PAE_OUTCOME_MISSED, TRUE, T0, FAILED},
    {"rebaselining, cancelled",
     REBASE, DEADLINE, KEY, TRUE, PAE_OUTCOME_CANCELLED, TRUE, BEFORE, FAILED},
    {"catching-up, cancelled after the deadline",
     CATCHUP, DEADLINE, KEY, TRUE, PAE_OUTCOME_CANCELLED, FALSE, AFTER, FAILED},

    /* still running: wait until the deadline (a trusted report plans nothing more) */
    {"provisioning, pending, trusted, before the deadline",
     PROV, DEADLINE, KEY, TRUE, PAE_OUTCOME_PENDING, TRUE, BEFORE, WAIT},
    {"provisioning, pending, at the deadline",
     PROV, DEADLINE, KEY, TRUE, PAE_OUTCOME_PENDING, TRUE, DEADLINE, TIMED_OUT},
    {"rebaselining, running, before the deadline",
     REBASE, DEADLINE, KEY, TRUE, PAE_OUTCOME_RUNNING, FALSE, BEFORE, WAIT},
    {"rebaselining, running, after the deadline",
     REBASE, DEADLINE, KEY, TRUE, PAE_OUTCOME_RUNNING, TRUE, AFTER, TIMED_OUT},
    {"catching-up, waiting for a restart, before the deadline",
     CATCHUP, DEADLINE, KEY, TRUE, PAE_OUTCOME_WAITING, TRUE, BEFORE, WAIT},
    {"catching-up, waiting for a restart, after the deadline",
     CATCHUP, DEADLINE, KEY, TRUE, PAE_OUTCOME_WAITING, FALSE, AFTER, TIMED_OUT},
    {"provisioning, running, no deadline",
     PROV, 0, KEY, TRUE, PAE_OUTCOME_RUNNING, FALSE, G_MAXINT64, WAIT},

    /* ready and retired VMs wait, whatever comes */
    {"ready, trusted report, no action",
     PAE_LIFECYCLE_READY, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, TRUE, BEFORE, WAIT},
    {"ready, untrusted, past its old deadline",
     PAE_LIFECYCLE_READY, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, AFTER, WAIT},
    {"ready, its action failed",
     PAE_LIFECYCLE_READY, DEADLINE, KEY, TRUE, PAE_OUTCOME_FAILED, TRUE, BEFORE, WAIT},
    {"ready, its action done",
     PAE_LIFECYCLE_READY, DEADLINE, KEY, TRUE, PAE_OUTCOME_DONE, TRUE, BEFORE, WAIT},
    {"retired, trusted report, no action",
     PAE_LIFECYCLE_RETIRED, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, TRUE, BEFORE, WAIT},
    {"retired, untrusted, past its old deadline",
     PAE_LIFECYCLE_RETIRED, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, AFTER, WAIT},
    {"retired, its action cancelled",
     PAE_LIFECYCLE_RETIRED, DEADLINE, KEY, TRUE, PAE_OUTCOME_CANCELLED, FALSE, AFTER, WAIT},
    {"retired, its action done",
     PAE_LIFECYCLE_RETIRED, DEADLINE, KEY, TRUE, PAE_OUTCOME_DONE, FALSE, BEFORE, WAIT},
};
/* clang-format on */

static void
test_lifecycle_decide_table_func(void **state)
{
	gboolean outcome_seen[PAE_OUTCOME_LAST] = {FALSE};

	for (guint i = 0; i < G_N_ELEMENTS(decide_cases); i++) {
		const DecideCase *c = &decide_cases[i];
		PaeLifecycleVerdict got = decide(c->state,
						 c->deadline,
						 c->action_key,
						 c->has_action,
						 c->outcome,
						 c->trusted,
						 c->now);
		if (got != c->verdict)
			fail_msg("case %u \"%s\": got %s (%d), expected %s (%d)",
				 i,
				 c->name,
				 pae_lifecycle_verdict_to_string(got),
				 got,
				 pae_lifecycle_verdict_to_string(c->verdict),
				 c->verdict);
		if (c->action_key != NULL && c->has_action &&
		    pae_lifecycle_purpose(c->state) != NULL)
			outcome_seen[c->outcome] = TRUE;
	}

	/* the table exercises every outcome of a known action */
	for (guint o = 0; o < PAE_OUTCOME_LAST; o++) {
		if (!outcome_seen[o])
			fail_msg("no case for an action whose outcome is %s",
				 pae_outcome_to_string((PaeOutcome)o));
	}
}

/* every outcome, written out by hand: the verdict before and after the deadline */
typedef struct {
	PaeOutcome outcome;
	PaeLifecycleVerdict in_time;
	PaeLifecycleVerdict late;
} OutcomeRow;

static const OutcomeRow outcome_rows[] = {
	{PAE_OUTCOME_PENDING, WAIT, TIMED_OUT},
	{PAE_OUTCOME_RUNNING, WAIT, TIMED_OUT},
	{PAE_OUTCOME_WAITING, WAIT, TIMED_OUT},
	{PAE_OUTCOME_DONE, READY, READY},
	{PAE_OUTCOME_FAILED, FAILED, FAILED},
	{PAE_OUTCOME_MISSED, FAILED, FAILED},
	{PAE_OUTCOME_CANCELLED, FAILED, FAILED},
};

/* each waiting state, each outcome, each side of the deadline, with and without a report */
static void
test_lifecycle_decide_outcomes_func(void **state)
{
	const PaeLifecycleState waiting[] = {PROV, REBASE, CATCHUP};
	const struct {
		const gchar *what;
		PaeTime deadline;
		PaeTime now;
		gboolean late;
	} times[] = {
		{"well before the deadline", DEADLINE, T0, FALSE},
		{"just before the deadline", DEADLINE, BEFORE, FALSE},
		{"at the deadline", DEADLINE, DEADLINE, TRUE},
		{"after the deadline", DEADLINE, AFTER, TRUE},
		{"with no deadline", 0, G_MAXINT64, FALSE},
	};

	/* the table above covers the enum, no more and no less */
	assert_int_equal(G_N_ELEMENTS(outcome_rows), PAE_OUTCOME_LAST);

	for (guint s = 0; s < G_N_ELEMENTS(waiting); s++) {
		for (guint r = 0; r < G_N_ELEMENTS(outcome_rows); r++) {
			const OutcomeRow *row = &outcome_rows[r];
			assert_int_equal(row->outcome, r);
			for (guint t = 0; t < G_N_ELEMENTS(times); t++) {
				for (guint trusted = 0; trusted <= 1; trusted++) {
					PaeLifecycleVerdict want =
						times[t].late ? row->late : row->in_time;
					PaeLifecycleVerdict got = decide(waiting[s],
									 times[t].deadline,
									 KEY,
									 TRUE,
									 row->outcome,
									 trusted,
									 times[t].now);
					if (got != want)
						fail_msg("%s, action %s, %s, %s report: got %s, "
							 "expected %s",
							 pae_lifecycle_state_to_string(waiting[s]),
							 pae_outcome_to_string(row->outcome),
							 times[t].what,
							 trusted ? "trusted" : "untrusted",
							 pae_lifecycle_verdict_to_string(got),
							 pae_lifecycle_verdict_to_string(want));
				}
			}
		}
	}
}

/* ready and retired VMs wait, over every combination of the input */
static void
test_lifecycle_decide_settled_func(void **state)
{
	const PaeLifecycleState settled[] = {PAE_LIFECYCLE_READY, PAE_LIFECYCLE_RETIRED};
	const PaeTime deadlines[] = {0, DEADLINE};
	const PaeTime nows[] = {0, T0, BEFORE, DEADLINE, AFTER, G_MAXINT64};
	const gchar *const keys[] = {NULL, KEY};
	guint combinations = G_N_ELEMENTS(settled) * G_N_ELEMENTS(deadlines) * G_N_ELEMENTS(nows) *
			     G_N_ELEMENTS(keys) * 2 * PAE_OUTCOME_LAST * 2;

	/* one combination per index, its digits in mixed radix */
	for (guint i = 0; i < combinations; i++) {
		guint x = i;
		guint s = x % G_N_ELEMENTS(settled);
		guint d = (x /= G_N_ELEMENTS(settled)) % G_N_ELEMENTS(deadlines);
		guint n = (x /= G_N_ELEMENTS(deadlines)) % G_N_ELEMENTS(nows);
		guint k = (x /= G_N_ELEMENTS(nows)) % G_N_ELEMENTS(keys);
		gboolean has = (x /= G_N_ELEMENTS(keys)) % 2;
		PaeOutcome o = (PaeOutcome)((x /= 2) % PAE_OUTCOME_LAST);
		gboolean trusted = (x /= PAE_OUTCOME_LAST) % 2;
		PaeLifecycleVerdict got =
			decide(settled[s], deadlines[d], keys[k], has, o, trusted, nows[n]);

		if (got != WAIT)
			fail_msg("%s, deadline %" G_GINT64_FORMAT ", now %" G_GINT64_FORMAT
				 ", key %s, has_action %d, outcome %s, trusted %d: got %s, "
				 "expected wait",
				 pae_lifecycle_state_to_string(settled[s]),
				 deadlines[d],
				 nows[n],
				 keys[k] != NULL ? keys[k] : "(none)",
				 has,
				 pae_outcome_to_string(o),
				 trusted,
				 pae_lifecycle_verdict_to_string(got));
	}
}

/* the deadline is inclusive, and 0 means none: never timed out */
static void
test_lifecycle_decide_deadline_func(void **state)
{
	const PaeTime nows[] = {0, 1, T0, DEADLINE, AFTER, G_MAXINT64};

	assert_int_equal(decide(PROV, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, BEFORE),
			 WAIT);
	assert_int_equal(decide(PROV, DEADLINE, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, DEADLINE),
			 TIMED_OUT);
	assert_int_equal(decide(REBASE, DEADLINE, KEY, TRUE, PAE_OUTCOME_RUNNING, FALSE, BEFORE),
			 WAIT);
	assert_int_equal(decide(REBASE, DEADLINE, KEY, TRUE, PAE_OUTCOME_RUNNING, FALSE, DEADLINE),
			 TIMED_OUT);

	for (guint n = 0; n < G_N_ELEMENTS(nows); n++) {
		PaeLifecycleVerdict no_action =
			decide(CATCHUP, 0, NULL, FALSE, PAE_OUTCOME_PENDING, FALSE, nows[n]);
		PaeLifecycleVerdict pending =
			decide(CATCHUP, 0, KEY, TRUE, PAE_OUTCOME_PENDING, FALSE, nows[n]);
		if (no_action != WAIT || pending != WAIT)
			fail_msg("no deadline, now %" G_GINT64_FORMAT
				 ": got %s without an action, %s with a pending one, expected wait",
				 nows[n],
				 pae_lifecycle_verdict_to_string(no_action),
				 pae_lifecycle_verdict_to_string(pending));
	}
}

static void
test_lifecycle_purpose_func(void **state)
{
	assert_string_equal(pae_lifecycle_purpose(PAE_LIFECYCLE_PROVISIONING), "activation");
	assert_string_equal(pae_lifecycle_purpose(PAE_LIFECYCLE_REBASELINING), "rebaseline");
	assert_string_equal(pae_lifecycle_purpose(PAE_LIFECYCLE_CATCHING_UP), "catch-up");
	assert_null(pae_lifecycle_purpose(PAE_LIFECYCLE_READY));
	assert_null(pae_lifecycle_purpose(PAE_LIFECYCLE_RETIRED));
}

static void
test_lifecycle_state_strings_func(void **state)
{
	const struct {
		PaeLifecycleState state;
		const gchar *name;
	} rows[] = {
		{PAE_LIFECYCLE_PROVISIONING, "provisioning"},
		{PAE_LIFECYCLE_REBASELINING, "rebaselining"},
		{PAE_LIFECYCLE_CATCHING_UP, "catching-up"},
		{PAE_LIFECYCLE_READY, "ready"},
		{PAE_LIFECYCLE_RETIRED, "retired"},
	};
	const gchar *const unknown[] = {"", "bogus", "Provisioning", "catching_up", NULL};

	assert_int_equal(G_N_ELEMENTS(rows), PAE_LIFECYCLE_LAST);
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		const gchar *name = pae_lifecycle_state_to_string(rows[i].state);
		if (g_strcmp0(name, rows[i].name) != 0)
			fail_msg("state %u: named '%s', expected '%s'", i, name, rows[i].name);
		if (pae_lifecycle_state_from_string(name) != rows[i].state)
			fail_msg("'%s' does not read back as state %u", name, i);
	}
	for (guint i = 0; i < G_N_ELEMENTS(unknown); i++) {
		if (pae_lifecycle_state_from_string(unknown[i]) != PAE_LIFECYCLE_READY)
			fail_msg("unknown state '%s' does not read as ready",
				 unknown[i] != NULL ? unknown[i] : "(null)");
	}
	/* out of range: named as the fallback */
	assert_string_equal(pae_lifecycle_state_to_string(PAE_LIFECYCLE_LAST), "ready");
}

static void
test_lifecycle_verdict_strings_func(void **state)
{
	assert_string_equal(pae_lifecycle_verdict_to_string(PAE_LIFECYCLE_WAIT), "wait");
	assert_string_equal(pae_lifecycle_verdict_to_string(PAE_LIFECYCLE_PLAN_ACTION),
			    "plan-action");
	assert_string_equal(pae_lifecycle_verdict_to_string(PAE_LIFECYCLE_BECOME_READY),
			    "become-ready");
	assert_string_equal(pae_lifecycle_verdict_to_string(PAE_LIFECYCLE_FAILED), "failed");
	assert_string_equal(pae_lifecycle_verdict_to_string(PAE_LIFECYCLE_TIMED_OUT), "timed-out");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle_decide_table_func),
		cmocka_unit_test(test_lifecycle_decide_outcomes_func),
		cmocka_unit_test(test_lifecycle_decide_settled_func),
		cmocka_unit_test(test_lifecycle_decide_deadline_func),
		cmocka_unit_test(test_lifecycle_purpose_func),
		cmocka_unit_test(test_lifecycle_state_strings_func),
		cmocka_unit_test(test_lifecycle_verdict_strings_func),
	};
	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
