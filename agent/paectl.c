/*
 * paectl: look at, and make requests of, a pae-agent through its database
 *
 * paectl reads the database directly, so it works while the agent is
 * stopped. Commands that ask for something (re-baseline a VM) write a
 * request row that the agent picks up; approving or rejecting a change writes
 * the change, whose status the agent polls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeCtl"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-log.h"

static const PaeCtlCommand pae_ctl_commands[] = {
	{"vms", "[--all]", "list the VMs on this controller", pae_ctl_cmd_vms, FALSE},
	{"vm",
	 "UUID|NAME",
	 "show a VM's facts, compliance, actions and history",
	 pae_ctl_cmd_vm,
	 FALSE},
	{"status",
	 "",
	 "compliance and actions in total, the last passes",
	 pae_ctl_cmd_status,
	 FALSE},
	{"patches",
	 "[UUID|NAME]",
	 "patches missing here, or on one VM",
	 pae_ctl_cmd_patches,
	 FALSE},
	{"reconcile", "[--wait]", "ask the agent to reconcile now", pae_ctl_cmd_reconcile, TRUE},
	{"check", "[--wait]", "ask the agent to poll open actions now", pae_ctl_cmd_check, TRUE},
	{"baseline",
	 "UUID|NAME [--wait]",
	 "apply everything a VM misses, now",
	 pae_ctl_cmd_baseline,
	 TRUE},
	{"change",
	 "list|show|approve|reject",
	 "changes; the agent sees approvals at its next cycle",
	 pae_ctl_cmd_change,
	 TRUE},
	{"plan",
	 "[--all] [UUID|NAME|KEY]",
	 "the windows to come; a VM's in its time and UTC",
	 pae_ctl_cmd_plan,
	 FALSE},
	{"exception",
	 "add|list|remove",
	 "a customer's exclusions, deferrals and freezes",
	 pae_ctl_cmd_exception,
	 TRUE},
	{"incidents",
	 "[--all]",
	 "what automation could not do: open incidents",
	 pae_ctl_cmd_incidents,
	 FALSE},
	{"history",
	 "UUID|NAME [--all]",
	 "a VM's lifecycle: what happened to it, what was decided",
	 pae_ctl_cmd_history,
	 FALSE},
};

static const PaeCtlCommand *
pae_ctl_find_command(const gchar *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_ctl_commands); i++) {
		if (g_strcmp0(pae_ctl_commands[i].name, name) == 0)
			return &pae_ctl_commands[i];
	}
	return NULL;
}

static gchar *
pae_ctl_describe_commands(void)
{
	GString *text = g_string_new("Commands:\n");
	for (guint i = 0; i < G_N_ELEMENTS(pae_ctl_commands); i++) {
		g_autofree gchar *usage = g_strdup_printf(
			"%s %s", pae_ctl_commands[i].name, pae_ctl_commands[i].arguments);
		g_string_append_printf(text, "  %-32s %s\n", usage, pae_ctl_commands[i].summary);
	}
	return g_string_free(text, FALSE);
}

static gboolean
pae_ctl_open(PaeCtl *ctl,
	     const gchar *config_path,
	     const gchar *database,
	     gboolean writes,
	     GError **error)
{
	g_autoptr(GError) config_error = NULL;

	ctl->config = pae_config_load(config_path, PAE_CONFIG_LOAD_DEFAULT, &config_error);
	if (ctl->config == NULL && database == NULL) {
		g_propagate_error(error, g_steal_pointer(&config_error));
		return FALSE;
	}
	if (ctl->config == NULL)
		g_printerr("warning: %s\n", config_error->message);
	if (database == NULL)
		database = ctl->config->database;
	ctl->store = pae_store_open(
		database, writes ? PAE_STORE_OPEN_DEFAULT : PAE_STORE_OPEN_READ_ONLY, error);
	return ctl->store != NULL;
}

int
main(int argc, char *argv[])
{
	g_autofree gchar *config_path = NULL;
	g_autofree gchar *database = NULL;
	g_autofree gchar *commands = pae_ctl_describe_commands();
	gboolean json = FALSE;
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	const PaeCtlCommand *command;
	PaeCtl ctl = {0};
	gboolean ok;
	const GOptionEntry entries[] = {
		{"config",
		 'c',
		 0,
		 G_OPTION_ARG_FILENAME,
		 &config_path,
		 "Configuration file (default " PAE_DEFAULT_CONFIG_PATH ")",
		 "FILE"},
		{"database",
		 0,
		 0,
		 G_OPTION_ARG_FILENAME,
		 &database,
		 "Database file (default: from the configuration)",
		 "FILE"},
		{"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON (see paectl(1))", NULL},
		{NULL},
	};

	setlocale(LC_ALL, "");
	pae_log_setup(PAE_LOG_TARGET_STDERR);
	context = g_option_context_new("COMMAND [ARGUMENTS]");
	g_option_context_set_summary(context, "Look at and steer a pae-agent.");
	g_option_context_set_description(context, commands);
	g_option_context_set_strict_posix(context, TRUE);
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("paectl: %s\n", error->message);
		return 2;
	}
	if (argc < 2) {
		g_autofree gchar *help = g_option_context_get_help(context, TRUE, NULL);
		g_printerr("%s", help);
		return 2;
	}
	command = pae_ctl_find_command(argv[1]);
	if (command == NULL) {
		g_printerr("paectl: unknown command '%s'\n%s", argv[1], commands);
		return 2;
	}
	if (config_path == NULL)
		config_path = g_strdup(PAE_DEFAULT_CONFIG_PATH);
	ctl.json = json;
	ctl.out = g_string_new(NULL);
	ok = pae_ctl_open(&ctl, config_path, database, command->writes, &error) &&
	     command->func(&ctl, argv + 2, &error);
	fputs(ctl.out->str, stdout);
	g_string_free(ctl.out, TRUE);
	g_clear_object(&ctl.store);
	pae_config_unref(ctl.config);
	if (!ok) {
		g_printerr("paectl: %s\n", error->message);
		return g_error_matches(error, PAE_ERROR, PAE_ERROR_BAD_REQUEST) ? 2 : 1;
	}
	return 0;
}
