/*
 * pae-backoff: how long to wait before trying again
 *
 * Capped exponential backoff with "equal jitter": half the delay is fixed,
 * half is random, so many agents that lost the same server do not come back
 * in step, and none retries sooner than half the nominal delay.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-backoff.h"

/**
 * pae_backoff_delay:
 * @attempt: 0 for the first retry
 * @min: the nominal delay of the first retry
 * @max: the nominal delay is never more than this
 * @random_unit: a number in [0, 1), e.g. g_random_double(); tests pass fixed ones
 *
 * Returns: the delay before the retry
 */
GTimeSpan
pae_backoff_delay(guint attempt, GTimeSpan min, GTimeSpan max, gdouble random_unit)
{
	GTimeSpan nominal = min;

	if (min <= 0)
		return 0;
	for (guint i = 0; i < attempt && nominal < max; i++)
		nominal *= 2;
	if (nominal > max)
		nominal = max;
	if (random_unit < 0.0)
		random_unit = 0.0;
	if (random_unit >= 1.0)
		random_unit = 0.999999;
	return nominal / 2 + (GTimeSpan)((gdouble)(nominal / 2) * random_unit);
}
