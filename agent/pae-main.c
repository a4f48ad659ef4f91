/*
 * pae-agent: keeps the VMs of one libvirt host patched under policy
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeMain"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "pae-config.h"
#include "pae-daemon.h"
#include "pae-libvirt.h"
#include "pae-log.h"

int
main(int argc, char *argv[])
{
	g_autofree gchar *config_path = NULL;
	gboolean check_config = FALSE;
	gboolean version = FALSE;
	gboolean verbose = FALSE;
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeConfig) config = NULL;
	g_autoptr(PaeDaemon) daemon = NULL;
	const GOptionEntry entries[] = {
		{"config",
		 'c',
		 0,
		 G_OPTION_ARG_FILENAME,
		 &config_path,
		 "Configuration file (default " PAE_DEFAULT_CONFIG_PATH ")",
		 "FILE"},
		{"check-config",
		 0,
		 0,
		 G_OPTION_ARG_NONE,
		 &check_config,
		 "Validate the configuration and exit",
		 NULL},
		{"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Show debug output", NULL},
		{"version", 0, 0, G_OPTION_ARG_NONE, &version, "Show the version and exit", NULL},
		{NULL},
	};

	setlocale(LC_ALL, "");
	context = g_option_context_new(NULL);
	g_option_context_set_summary(context,
				     "Keeps the VMs of a libvirt host patched under policy.");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("pae-agent: %s\n", error->message);
		return 2;
	}
	if (version) {
		g_print("pae-agent %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (config_path == NULL)
		config_path = g_strdup(PAE_DEFAULT_CONFIG_PATH);

	pae_log_setup(PAE_LOG_TARGET_AUTO);
	config = pae_config_load(config_path, PAE_CONFIG_LOAD_FULL, &error);
	if (config == NULL) {
		g_printerr("%s\n", error->message);
		return 1;
	}
	if (check_config) {
		g_print("%s: configuration is valid\n", config_path);
		return 0;
	}
	pae_log_setup(config->log_target);
	pae_log_set_debug_domains(verbose ? "all" : config->debug_domains);

	pae_libvirt_setup();
	daemon = pae_daemon_new(config_path, g_steal_pointer(&config));
	if (!pae_daemon_setup(daemon, &error)) {
		g_critical("%s", error->message);
		return 1;
	}
	return pae_daemon_run(daemon);
}
