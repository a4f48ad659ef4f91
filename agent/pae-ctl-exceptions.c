/*
 * pae-ctl-exceptions: paectl exception add|list|remove
 *
 * What a customer asked to be treated differently: a patch excluded from a
 * VM, patches deferred until a date, a VM frozen for a period. Each keeps its
 * requester, reason, creation and expiry; a removal keeps who removed it. The
 * agent reads the exceptions in force whenever it plans.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeCtl"

#include "config.h"

#include <string.h>

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-json.h"
#include "pae-store-plans.h"
#include "pae-store-vms.h"
#include "pae-table.h"

#define PAE_CTL_EXCEPTION_USAGE                                                                    \
	"usage:\n"                                                                                 \
	"  paectl exception add --vm UUID|NAME --kind exclude [--patch SITE/FIXLET]\n"             \
	"                       --reason TEXT [--requester WHO] [--expires DATE]\n"                \
	"  paectl exception add --vm UUID|NAME --kind defer [--patch SITE/FIXLET] --until DATE\n"  \
	"                       --reason TEXT [--requester WHO] [--expires DATE]\n"                \
	"  paectl exception add --vm UUID|NAME --kind freeze --from DATE --until DATE\n"           \
	"                       --reason TEXT [--requester WHO] [--expires DATE]\n"                \
	"  paectl exception list [--vm UUID|NAME] [--all]\n"                                       \
	"  paectl exception remove ID [--by WHO]\n"                                                \
	"a DATE is 2026-04-01 or 2026-04-01T10:00:00, in UTC unless an offset follows\n"           \
	"(2026-04-01T10:00:00+02:00); without --patch, every patch; --expires defaults to\n"       \
	"--until, or 90 days for an exclusion"

#define PAE_CTL_EXCEPTION_EXCLUDE_EXPIRY (90 * G_TIME_SPAN_DAY)

typedef struct {
	const gchar *vm;
	const gchar *kind;
	const gchar *patch;
	const gchar *from;
	const gchar *until;
	const gchar *reason;
	const gchar *requester;
	const gchar *expires;
	const gchar *by;
	const gchar *id;
	gboolean all;
} PaeCtlExceptionArgs;

typedef enum {
	PAE_CTL_EXCEPTION_VERB_ADD = 1 << 0,
	PAE_CTL_EXCEPTION_VERB_LIST = 1 << 1,
	PAE_CTL_EXCEPTION_VERB_REMOVE = 1 << 2,
} PaeCtlExceptionVerb;

typedef struct {
	const gchar *name;
	gsize offset; /* of the const gchar * in PaeCtlExceptionArgs */
	guint verbs;
} PaeCtlExceptionOption;

static const PaeCtlExceptionOption pae_ctl_exception_options[] = {
	{"--vm",
	 G_STRUCT_OFFSET(PaeCtlExceptionArgs, vm),
	 PAE_CTL_EXCEPTION_VERB_ADD | PAE_CTL_EXCEPTION_VERB_LIST},
	{"--kind", G_STRUCT_OFFSET(PaeCtlExceptionArgs, kind), PAE_CTL_EXCEPTION_VERB_ADD},
	{"--patch", G_STRUCT_OFFSET(PaeCtlExceptionArgs, patch), PAE_CTL_EXCEPTION_VERB_ADD},
	{"--from", G_STRUCT_OFFSET(PaeCtlExceptionArgs, from), PAE_CTL_EXCEPTION_VERB_ADD},
	{"--until", G_STRUCT_OFFSET(PaeCtlExceptionArgs, until), PAE_CTL_EXCEPTION_VERB_ADD},
	{"--reason", G_STRUCT_OFFSET(PaeCtlExceptionArgs, reason), PAE_CTL_EXCEPTION_VERB_ADD},
	{"--requester",
	 G_STRUCT_OFFSET(PaeCtlExceptionArgs, requester),
	 PAE_CTL_EXCEPTION_VERB_ADD},
	{"--expires", G_STRUCT_OFFSET(PaeCtlExceptionArgs, expires), PAE_CTL_EXCEPTION_VERB_ADD},
	{"--by", G_STRUCT_OFFSET(PaeCtlExceptionArgs, by), PAE_CTL_EXCEPTION_VERB_REMOVE},
};

static gboolean
pae_ctl_exception_usage(GError **error)
{
	g_set_error_literal(error, PAE_ERROR, PAE_ERROR_BAD_REQUEST, PAE_CTL_EXCEPTION_USAGE);
	return FALSE;
}

static gboolean
pae_ctl_exception_bad(GError **error, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
pae_ctl_exception_bad(GError **error, const gchar *format, ...)
{
	g_autofree gchar *message = NULL;
	va_list args;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error_literal(error, PAE_ERROR, PAE_ERROR_BAD_REQUEST, message);
	return FALSE;
}

/* --name VALUE and --name=VALUE, each at most once, only those of @verb */
static gboolean
pae_ctl_exception_parse(gchar **args,
			const gchar *verb_name,
			PaeCtlExceptionVerb verb,
			PaeCtlExceptionArgs *parsed,
			GError **error)
{
	for (guint i = 0; args[i] != NULL; i++) {
		const gchar *arg = args[i];
		const PaeCtlExceptionOption *option = NULL;
		const gchar *value = NULL;
		const gchar **slot;

		if (g_strcmp0(arg, "--all") == 0 && verb == PAE_CTL_EXCEPTION_VERB_LIST) {
			parsed->all = TRUE;
			continue;
		}
		if (arg[0] != '-' && verb == PAE_CTL_EXCEPTION_VERB_REMOVE && parsed->id == NULL) {
			parsed->id = arg;
			continue;
		}
		for (guint j = 0; j < G_N_ELEMENTS(pae_ctl_exception_options); j++) {
			const gchar *name = pae_ctl_exception_options[j].name;
			gsize len = strlen(name);
			if (g_strcmp0(arg, name) == 0) {
				option = &pae_ctl_exception_options[j];
				value = args[i + 1];
				if (value != NULL)
					i++;
				break;
			}
			if (strncmp(arg, name, len) == 0 && arg[len] == '=') {
				option = &pae_ctl_exception_options[j];
				value = arg + len + 1;
				break;
			}
		}
		if (option == NULL || (option->verbs & verb) == 0) {
			return pae_ctl_exception_bad(error,
						     "exception %s: unexpected argument '%s'\n%s",
						     verb_name,
						     arg,
						     PAE_CTL_EXCEPTION_USAGE);
		}
		if (value == NULL)
			return pae_ctl_exception_bad(error, "%s needs a value", option->name);
		slot = G_STRUCT_MEMBER_P(parsed, option->offset);
		if (*slot != NULL)
			return pae_ctl_exception_bad(error, "%s is given twice", option->name);
		*slot = value;
	}
	return TRUE;
}

/* an ISO 8601 date (midnight UTC) or date-time (UTC unless it says otherwise) */
static gboolean
pae_ctl_exception_parse_date(const gchar *option, const gchar *text, PaeTime *out, GError **error)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) dt = NULL;

	if (strlen(text) == 10 && text[4] == '-' && text[7] == '-') {
		g_autofree gchar *midnight = g_strdup_printf("%sT00:00:00", text);
		dt = g_date_time_new_from_iso8601(midnight, utc);
	} else if (strchr(text, 'T') != NULL || strchr(text, 't') != NULL) {
		dt = g_date_time_new_from_iso8601(text, utc);
	}
	if (dt == NULL) {
		return pae_ctl_exception_bad(error,
					     "%s: '%s' is not an ISO 8601 date (2026-04-01) or "
					     "date-time (2026-04-01T10:00:00, UTC unless an offset "
					     "follows)",
					     option,
					     text);
	}
	*out = pae_time_from_datetime(dt);
	return TRUE;
}

/* the agent's clock when the configuration names one, so expiries line up with its own */
static PaeTime
pae_ctl_exception_now(PaeCtl *ctl)
{
	if (ctl->config != NULL && ctl->config->clock != NULL)
		return pae_clock_get_now(ctl->config->clock);
	return g_get_real_time();
}

static gchar *
pae_ctl_exception_time(PaeTime t)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t == 0)
		return NULL;
	dt = pae_time_to_datetime(t);
	if (dt == NULL)
		return g_strdup("invalid");
	return g_date_time_format(dt, "%Y-%m-%d %H:%MZ");
}

static const gchar *
pae_ctl_exception_status(const PaeException *exception, PaeTime now)
{
	if (exception->removed != 0)
		return "removed";
	if (now >= exception->expires)
		return "expired";
	return "active";
}

/* the names of the VMs of @exceptions, by uuid */
static GHashTable *
pae_ctl_exception_vm_names(PaeCtl *ctl, GPtrArray *exceptions)
{
	GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint i = 0; i < exceptions->len; i++) {
		PaeException *exception = exceptions->pdata[i];
		g_autoptr(PaeVm) vm = NULL;
		if (g_hash_table_contains(names, exception->vm_uuid))
			continue;
		vm = pae_store_get_vm(ctl->store, exception->vm_uuid, NULL, NULL);
		g_hash_table_insert(names,
				    g_strdup(exception->vm_uuid),
				    vm != NULL ? g_strdup(vm->name) : NULL);
	}
	return names;
}

static void
pae_ctl_exception_write_json(PaeJson *json,
			     const PaeException *exception,
			     const gchar *vm_name,
			     PaeTime now)
{
	pae_json_begin_object(json);
	pae_json_member_int(json, "id", exception->id);
	pae_json_member_string(json, "kind", pae_exception_kind_to_string(exception->kind));
	pae_json_member_string(json, "vm", exception->vm_uuid);
	pae_json_member_string(json, "vm_name", vm_name);
	pae_json_member_string(json, "site", exception->site);
	pae_json_member_string(json, "fixlet_id", exception->fixlet_id);
	pae_json_member_time(json, "from", exception->starts);
	pae_json_member_time(json, "until", exception->until);
	pae_json_member_time(json, "expires", exception->expires);
	pae_json_member_string(json, "requester", exception->requester);
	pae_json_member_string(json, "reason", exception->reason);
	pae_json_member_time(json, "created", exception->created);
	pae_json_member_time(json, "removed", exception->removed);
	pae_json_member_string(json, "removed_by", exception->removed_by);
	pae_json_member_string(json, "status", pae_ctl_exception_status(exception, now));
	pae_json_end_object(json);
}

static gchar *
pae_ctl_exception_patch_text(const PaeException *exception)
{
	if (exception->fixlet_id == NULL)
		return g_strdup("every patch");
	return g_strdup_printf("%s/%s", exception->site, exception->fixlet_id);
}

static void
pae_ctl_exception_print_json(PaeCtl *ctl,
			     const PaeException *exception,
			     const gchar *vm_name,
			     PaeTime now)
{
	g_autoptr(PaeJson) json = pae_json_new(TRUE);
	g_autofree gchar *text = NULL;

	pae_json_begin_object(json);
	pae_json_key(json, "exception");
	pae_ctl_exception_write_json(json, exception, vm_name, now);
	pae_json_end_object(json);
	text = pae_json_finish(json);
	g_string_append_printf(ctl->out, "%s\n", text);
}

static PaeException *
pae_ctl_exception_get(PaeCtl *ctl, gint64 id, GError **error)
{
	g_autoptr(GPtrArray) all = NULL;

	all = pae_store_list_exceptions(ctl->store, NULL, FALSE, 0, error);
	if (all == NULL)
		return NULL;
	for (guint i = 0; i < all->len; i++) {
		PaeException *exception = all->pdata[i];
		if (exception->id == id)
			return g_ptr_array_steal_index(all, i);
	}
	g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no exception #%" G_GINT64_FORMAT, id);
	return NULL;
}

static gboolean
pae_ctl_exception_blank(const gchar *text)
{
	if (text == NULL)
		return TRUE;
	for (const gchar *p = text; *p != '\0'; p++) {
		if (!g_ascii_isspace(*p))
			return FALSE;
	}
	return TRUE;
}

static gboolean
pae_ctl_exception_add(PaeCtl *ctl, const PaeCtlExceptionArgs *parsed, GError **error)
{
	PaeExceptionKind kind = PAE_EXCEPTION_KIND_LAST;
	PaeTime now = pae_ctl_exception_now(ctl);
	PaeTime from = 0;
	PaeTime until = 0;
	PaeTime expires = 0;
	g_autofree gchar *site = NULL;
	g_autofree gchar *fixlet_id = NULL;
	g_autofree gchar *until_text = NULL;
	g_autofree gchar *expires_text = NULL;
	g_autofree gchar *patch_text = NULL;
	g_autoptr(PaeVm) vm = NULL;
	g_autoptr(PaeException) exception = NULL;
	const gchar *requester = parsed->requester != NULL ? parsed->requester : g_get_user_name();

	if (parsed->vm == NULL)
		return pae_ctl_exception_bad(error, "exception add needs --vm UUID|NAME");
	if (parsed->kind == NULL)
		return pae_ctl_exception_bad(error,
					     "exception add needs --kind exclude|defer|freeze");
	kind = pae_exception_kind_from_string(parsed->kind);
	if (kind == PAE_EXCEPTION_KIND_LAST) {
		return pae_ctl_exception_bad(
			error, "--kind: '%s' is not one of exclude, defer, freeze", parsed->kind);
	}
	if (pae_ctl_exception_blank(parsed->reason))
		return pae_ctl_exception_bad(
			error, "exception add needs --reason TEXT: why it is asked for");
	if (pae_ctl_exception_blank(requester))
		return pae_ctl_exception_bad(error, "--requester must name someone");
	if (parsed->patch != NULL) {
		const gchar *slash = strrchr(parsed->patch, '/');
		if (slash == NULL || slash == parsed->patch || slash[1] == '\0') {
			return pae_ctl_exception_bad(error,
						     "--patch: '%s' is not SITE/FIXLET "
						     "(e.g. 'Patches for RHEL 8/801')",
						     parsed->patch);
		}
		site = g_strndup(parsed->patch, slash - parsed->patch);
		fixlet_id = g_strdup(slash + 1);
	}
	if (parsed->from != NULL &&
	    !pae_ctl_exception_parse_date("--from", parsed->from, &from, error))
		return FALSE;
	if (parsed->until != NULL &&
	    !pae_ctl_exception_parse_date("--until", parsed->until, &until, error))
		return FALSE;
	if (parsed->expires != NULL &&
	    !pae_ctl_exception_parse_date("--expires", parsed->expires, &expires, error))
		return FALSE;

	switch (kind) {
	case PAE_EXCEPTION_EXCLUDE:
		if (parsed->from != NULL || parsed->until != NULL)
			return pae_ctl_exception_bad(error,
						     "an exclusion takes no --from or --until; "
						     "--expires ends it");
		if (expires == 0)
			expires = now + PAE_CTL_EXCEPTION_EXCLUDE_EXPIRY;
		break;
	case PAE_EXCEPTION_DEFER:
		if (parsed->until == NULL)
			return pae_ctl_exception_bad(error, "a deferral needs --until DATE");
		if (parsed->from != NULL)
			return pae_ctl_exception_bad(
				error,
				"a deferral takes no --from: it holds from now "
				"until --until (a freeze has --from)");
		break;
	case PAE_EXCEPTION_FREEZE:
		if (parsed->from == NULL || parsed->until == NULL)
			return pae_ctl_exception_bad(error,
						     "a freeze needs --from DATE and --until DATE");
		if (parsed->patch != NULL)
			return pae_ctl_exception_bad(
				error,
				"a freeze holds every patch of the VM: it takes "
				"no --patch");
		if (from >= until)
			return pae_ctl_exception_bad(error, "--from must be before --until");
		break;
	default:
		return pae_ctl_exception_usage(error);
	}
	if (until != 0 && until <= now)
		return pae_ctl_exception_bad(error, "--until: %s is in the past", parsed->until);
	if (expires == 0)
		expires = until;
	if (expires <= now)
		return pae_ctl_exception_bad(
			error, "--expires: %s is in the past", parsed->expires);

	vm = pae_store_find_vm(ctl->store, parsed->vm, error);
	if (vm == NULL)
		return FALSE;
	if (vm->retired != 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_FAILED,
			    "VM %s (%s) no longer lives on this controller",
			    vm->name,
			    vm->uuid);
		return FALSE;
	}

	exception = pae_exception_new(kind, vm->uuid);
	exception->site = g_steal_pointer(&site);
	exception->fixlet_id = g_steal_pointer(&fixlet_id);
	exception->starts = from;
	exception->until = until;
	exception->requester = g_strdup(requester);
	exception->reason = g_strdup(parsed->reason);
	exception->expires = expires;
	exception->created = now;
	if (pae_store_add_exception(ctl->store, exception, error) == 0)
		return FALSE;

	if (ctl->json) {
		pae_ctl_exception_print_json(ctl, exception, vm->name, now);
		return TRUE;
	}
	patch_text = pae_ctl_exception_patch_text(exception);
	until_text = pae_ctl_exception_time(until);
	expires_text = pae_ctl_exception_time(expires);
	g_string_append_printf(ctl->out,
			       "exception #%" G_GINT64_FORMAT ": %s %s on %s (%s)",
			       exception->id,
			       parsed->kind,
			       patch_text,
			       vm->name,
			       vm->uuid);
	if (from != 0) {
		g_autofree gchar *from_text = pae_ctl_exception_time(from);
		g_string_append_printf(ctl->out, " from %s", from_text);
	}
	if (until != 0)
		g_string_append_printf(ctl->out, " until %s", until_text);
	g_string_append_printf(
		ctl->out, ", requested by %s, expires %s\n", requester, expires_text);
	return TRUE;
}

static gboolean
pae_ctl_exception_list(PaeCtl *ctl, const PaeCtlExceptionArgs *parsed, GError **error)
{
	PaeTime now = pae_ctl_exception_now(ctl);
	g_autoptr(PaeVm) vm = NULL;
	g_autoptr(GPtrArray) exceptions = NULL;
	g_autoptr(GHashTable) names = NULL;
	g_autoptr(PaeTable) table = NULL;
	g_autofree gchar *text = NULL;

	if (parsed->vm != NULL) {
		vm = pae_store_find_vm(ctl->store, parsed->vm, error);
		if (vm == NULL)
			return FALSE;
	}
	exceptions = pae_store_list_exceptions(
		ctl->store, vm != NULL ? vm->uuid : NULL, !parsed->all, now, error);
	if (exceptions == NULL)
		return FALSE;
	names = pae_ctl_exception_vm_names(ctl, exceptions);
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		pae_json_begin_object(json);
		pae_json_key(json, "exceptions");
		pae_json_begin_array(json);
		for (guint i = 0; i < exceptions->len; i++) {
			PaeException *exception = exceptions->pdata[i];
			pae_ctl_exception_write_json(json,
						     exception,
						     g_hash_table_lookup(names, exception->vm_uuid),
						     now);
		}
		pae_json_end_array(json);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
		return TRUE;
	}
	if (exceptions->len == 0) {
		g_string_append(ctl->out,
				parsed->all ? "no exceptions\n" : "no exceptions in force\n");
		return TRUE;
	}
	table = pae_table_new("ID",
			      "VM",
			      "KIND",
			      "PATCH",
			      "FROM",
			      "UNTIL",
			      "EXPIRES",
			      "STATUS",
			      "REQUESTER",
			      "REASON",
			      NULL);
	for (guint i = 0; i < exceptions->len; i++) {
		PaeException *exception = exceptions->pdata[i];
		const gchar *name = g_hash_table_lookup(names, exception->vm_uuid);
		g_autofree gchar *id = g_strdup_printf("%" G_GINT64_FORMAT, exception->id);
		g_autofree gchar *patch = pae_ctl_exception_patch_text(exception);
		g_autofree gchar *from = pae_ctl_exception_time(exception->starts);
		g_autofree gchar *until = pae_ctl_exception_time(exception->until);
		g_autofree gchar *expires = pae_ctl_exception_time(exception->expires);
		g_autofree gchar *status = NULL;
		if (exception->removed != 0 && exception->removed_by != NULL)
			status = g_strdup_printf("removed by %s", exception->removed_by);
		else
			status = g_strdup(pae_ctl_exception_status(exception, now));
		pae_table_add_row(table,
				  id,
				  name != NULL ? name : exception->vm_uuid,
				  pae_exception_kind_to_string(exception->kind),
				  patch,
				  from,
				  until,
				  expires,
				  status,
				  exception->requester,
				  exception->reason);
	}
	text = pae_table_to_string(table);
	g_string_append(ctl->out, text);
	return TRUE;
}

static gboolean
pae_ctl_exception_remove(PaeCtl *ctl, const PaeCtlExceptionArgs *parsed, GError **error)
{
	PaeTime now = pae_ctl_exception_now(ctl);
	const gchar *by = parsed->by != NULL ? parsed->by : g_get_user_name();
	const gchar *id_text = parsed->id;
	guint64 id = 0;
	g_autoptr(PaeException) exception = NULL;

	if (id_text == NULL)
		return pae_ctl_exception_bad(error, "exception remove needs the exception's ID");
	if (id_text[0] == '#')
		id_text++;
	if (!g_ascii_string_to_unsigned(id_text, 10, 1, G_MAXINT64, &id, NULL))
		return pae_ctl_exception_bad(error,
					     "exception remove: '%s' is not an exception ID "
					     "(see paectl exception list)",
					     parsed->id);
	if (pae_ctl_exception_blank(by))
		return pae_ctl_exception_bad(error, "--by must name someone");
	if (!pae_store_remove_exception(ctl->store, (gint64)id, by, now, error))
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeVm) vm = NULL;
		exception = pae_ctl_exception_get(ctl, (gint64)id, error);
		if (exception == NULL)
			return FALSE;
		vm = pae_store_get_vm(ctl->store, exception->vm_uuid, NULL, NULL);
		pae_ctl_exception_print_json(ctl, exception, vm != NULL ? vm->name : NULL, now);
		return TRUE;
	}
	g_string_append_printf(
		ctl->out, "exception #%" G_GUINT64_FORMAT " removed by %s\n", id, by);
	return TRUE;
}

/**
 * pae_ctl_cmd_exception:
 *
 * `paectl exception add --vm X --kind K … --reason TEXT`, `list [--vm X]
 * [--all]`, `remove ID [--by WHO]`
 */
gboolean
pae_ctl_cmd_exception(PaeCtl *ctl, gchar **args, GError **error)
{
	PaeCtlExceptionArgs parsed = {NULL};
	const gchar *verb_name = args[0];
	PaeCtlExceptionVerb verb;

	if (g_strcmp0(verb_name, "add") == 0)
		verb = PAE_CTL_EXCEPTION_VERB_ADD;
	else if (g_strcmp0(verb_name, "list") == 0)
		verb = PAE_CTL_EXCEPTION_VERB_LIST;
	else if (g_strcmp0(verb_name, "remove") == 0)
		verb = PAE_CTL_EXCEPTION_VERB_REMOVE;
	else
		return pae_ctl_exception_usage(error);
	if (!pae_ctl_exception_parse(args + 1, verb_name, verb, &parsed, error))
		return FALSE;
	switch (verb) {
	case PAE_CTL_EXCEPTION_VERB_ADD:
		return pae_ctl_exception_add(ctl, &parsed, error);
	case PAE_CTL_EXCEPTION_VERB_LIST:
		return pae_ctl_exception_list(ctl, &parsed, error);
	case PAE_CTL_EXCEPTION_VERB_REMOVE:
		return pae_ctl_exception_remove(ctl, &parsed, error);
	default:
		return pae_ctl_exception_usage(error);
	}
}
