/*
 * pae-mapping: which patch-server computer reports for which VM
 *
 * A VM is found on the patch server by the UUID property its client
 * reports. When several computers report one UUID — a client restored from
 * a snapshot re-registers under a new computer id, and the old record lives
 * on — the one with the newest report speaks for the VM and the others are
 * stale duplicates.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-mapping.h"

#include <string.h>

void
pae_mapping_free(PaeMapping *mapping)
{
	if (mapping == NULL)
		return;
	g_free(mapping->vm_uuid);
	pae_computer_free(mapping->computer);
	g_ptr_array_unref(mapping->stale);
	g_free(mapping);
}

static PaeComputer *
pae_mapping_copy_computer(const PaeComputer *computer)
{
	PaeComputer *copy = pae_computer_new();
	copy->computer_id = g_strdup(computer->computer_id);
	copy->name = g_strdup(computer->name);
	copy->vm_uuid = g_strdup(computer->vm_uuid);
	copy->last_report = computer->last_report;
	return copy;
}

/* newer report first; equal reports: the larger id, i.e. the later registration */
static gboolean
pae_mapping_is_newer(const PaeComputer *a, const PaeComputer *b)
{
	if (a->last_report != b->last_report)
		return a->last_report > b->last_report;
	if (strlen(a->computer_id) != strlen(b->computer_id))
		return strlen(a->computer_id) > strlen(b->computer_id);
	return g_strcmp0(a->computer_id, b->computer_id) > 0;
}

/**
 * pae_mapping_build:
 * @computers: (element-type PaeComputer): every computer the server lists
 *
 * Returns: (transfer container): VM UUID → PaeMapping, for every UUID that
 * some computer reports
 */
GHashTable *
pae_mapping_build(GPtrArray *computers)
{
	GHashTable *mappings = g_hash_table_new_full(
		g_str_hash, g_str_equal, NULL, (GDestroyNotify)pae_mapping_free);

	for (guint i = 0; i < computers->len; i++) {
		const PaeComputer *computer = computers->pdata[i];
		PaeMapping *mapping;

		if (computer->vm_uuid == NULL)
			continue;
		mapping = g_hash_table_lookup(mappings, computer->vm_uuid);
		if (mapping == NULL) {
			mapping = g_new0(PaeMapping, 1);
			mapping->vm_uuid = g_strdup(computer->vm_uuid);
			mapping->computer = pae_mapping_copy_computer(computer);
			mapping->stale =
				g_ptr_array_new_with_free_func((GDestroyNotify)pae_computer_free);
			g_hash_table_insert(mappings, mapping->vm_uuid, mapping);
			continue;
		}
		if (pae_mapping_is_newer(computer, mapping->computer)) {
			g_ptr_array_add(mapping->stale, mapping->computer);
			mapping->computer = pae_mapping_copy_computer(computer);
		} else {
			g_ptr_array_add(mapping->stale, pae_mapping_copy_computer(computer));
		}
	}
	return mappings;
}

static gint
pae_mapping_compare_ids(gconstpointer a, gconstpointer b)
{
	const PaeComputer *x = *(const PaeComputer *const *)a;
	const PaeComputer *y = *(const PaeComputer *const *)b;
	return g_strcmp0(x->computer_id, y->computer_id);
}

/**
 * pae_mapping_stale_ids:
 *
 * Returns: (nullable): the stale duplicates' ids, sorted, comma-separated
 */
gchar *
pae_mapping_stale_ids(const PaeMapping *mapping)
{
	g_autoptr(GString) ids = NULL;

	if (mapping->stale->len == 0)
		return NULL;
	ids = g_string_new(NULL);
	g_ptr_array_sort(mapping->stale, pae_mapping_compare_ids);
	for (guint i = 0; i < mapping->stale->len; i++) {
		const PaeComputer *computer = mapping->stale->pdata[i];
		if (ids->len > 0)
			g_string_append_c(ids, ',');
		g_string_append(ids, computer->computer_id);
	}
	return g_string_free(g_steal_pointer(&ids), FALSE);
}
