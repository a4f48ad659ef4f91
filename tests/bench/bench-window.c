/*
 * bench-window: how long pae_window_next() takes
 *
 * Builds PAIRS (zone, spec, after) triples from a fixed seed over the zones
 * the tests cover, then times pae_window_next() on each, several rounds, and
 * prints the best round's nanoseconds per call. The planner calls it once per
 * VM and patch, so this bounds a fleet replan.
 *
 *   bench-window [PAIRS [ROUNDS]]   (defaults: 100000, 5)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "pae-window.h"

typedef struct {
	GTimeZone *tz;
	PaeWindowSpec spec;
	PaeTime after;
} BenchPair;

static const gchar *bench_zones[] = {
	"America/New_York",
	"Europe/London",
	"Australia/Lord_Howe",
	"Asia/Kathmandu",
	"Pacific/Chatham",
	"Australia/Sydney",
	"America/Santiago",
	"Pacific/Apia",
	"UTC",
};

/* spread over 2024..2028, windows of 15 minutes to 3 days */
static void
bench_pair_init(BenchPair *pair, GRand *rand, GTimeZone **zones)
{
	const PaeTime from = G_GINT64_CONSTANT(1704067200) * G_USEC_PER_SEC;
	const PaeTime span = G_GINT64_CONSTANT(5) * 365 * G_TIME_SPAN_DAY;

	pair->tz = zones[g_rand_int_range(rand, 0, G_N_ELEMENTS(bench_zones))];
	pair->spec.days = (guint8)g_rand_int_range(rand, 1, PAE_WINDOW_DAYS_ALL + 1);
	pair->spec.start = (guint)g_rand_int_range(rand, 0, 24 * 4) * 15;
	pair->spec.length =
		(GTimeSpan)g_rand_int_range(rand, 1, 3 * 24 * 4) * 15 * G_TIME_SPAN_MINUTE;
	pair->after = from + (PaeTime)(g_rand_double(rand) * (gdouble)span);
}

int
main(int argc, char **argv)
{
	guint pairs = argc > 1 ? (guint)strtoul(argv[1], NULL, 10) : 100000;
	guint rounds = argc > 2 ? (guint)strtoul(argv[2], NULL, 10) : 5;
	g_autoptr(GRand) rand = g_rand_new_with_seed(20260314);
	g_autofree BenchPair *set = NULL;
	GTimeZone *zones[G_N_ELEMENTS(bench_zones)];
	gint64 best = G_MAXINT64;
	guint64 checksum = 0;

	if (pairs == 0 || rounds == 0) {
		g_printerr("usage: %s [PAIRS [ROUNDS]]\n", argv[0]);
		return EXIT_FAILURE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(bench_zones); i++) {
		zones[i] = g_time_zone_new_identifier(bench_zones[i]);
		if (zones[i] == NULL) {
			g_printerr("time zone %s is not installed (tzdata)\n", bench_zones[i]);
			return EXIT_FAILURE;
		}
	}
	set = g_new0(BenchPair, pairs);
	for (guint i = 0; i < pairs; i++)
		bench_pair_init(&set[i], rand, zones);

	for (guint r = 0; r < rounds; r++) {
		gint64 begin = g_get_monotonic_time();
		gint64 elapsed;

		for (guint i = 0; i < pairs; i++) {
			PaeWindow window;

			if (!pae_window_next(&set[i].spec, set[i].tz, set[i].after, &window)) {
				g_printerr("no window for pair %u\n", i);
				return EXIT_FAILURE;
			}
			/* keep the compiler from dropping the calls */
			checksum += (guint64)window.start;
		}
		elapsed = g_get_monotonic_time() - begin;
		best = MIN(best, elapsed);
	}

	g_print("pae_window_next: %u (zone, spec) pairs over %u zones, best of %u rounds: "
		"%.0f ns per call (checksum %" G_GUINT64_FORMAT ")\n",
		pairs,
		(guint)G_N_ELEMENTS(bench_zones),
		rounds,
		(gdouble)best * 1000.0 / (gdouble)pairs,
		checksum);
	g_print("reproduce: meson setup BUILDDIR && ninja -C BUILDDIR tests/bench/bench-window && "
		"BUILDDIR/tests/bench/bench-window %u %u\n",
		pairs,
		rounds);
	for (guint i = 0; i < G_N_ELEMENTS(bench_zones); i++)
		g_time_zone_unref(zones[i]);
	return EXIT_SUCCESS;
}
