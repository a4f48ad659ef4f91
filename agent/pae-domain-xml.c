/*
 * pae-domain-xml: a VM's facts from its libvirt domain XML
 *
 * The operator (or the cloud's provisioning) states a VM's tenant, category
 * and time zone in the domain's <metadata>, in the pae namespace:
 *
 *   <metadata>
 *     <pae:vm xmlns:pae="urn:x-pae:vm:1">
 *       <pae:tenant>acme</pae:tenant>
 *       <pae:category>production</pae:category>
 *       <pae:timezone>Europe/Paris</pae:timezone>
 *     </pae:vm>
 *   </metadata>
 *
 * The time zone falls back to <clock offset='timezone' timezone='…'/>, then to
 * the configured default. A missing value takes the default; an invalid one
 * takes the default too and adds a warning, never an error: a typo in one
 * domain must not stop the agent from watching it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeDomainXml"

#include "config.h"

#include "pae-domain-xml.h"

#include <string.h>

#include "pae-error.h"
#include "pae-xml.h"

/* a domain XML is a few KiB; a megabyte is already absurd */
#define PAE_DOMAIN_XML_MAX (4 * 1024 * 1024)

static void
pae_domain_xml_add_warning(GPtrArray *warnings, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static void
pae_domain_xml_add_warning(GPtrArray *warnings, const gchar *format, ...)
{
	va_list args;
	if (warnings == NULL)
		return;
	va_start(args, format);
	g_ptr_array_add(warnings, g_strdup_vprintf(format, args));
	va_end(args);
}

static gboolean
pae_domain_xml_timezone_is_valid(const gchar *identifier)
{
	g_autoptr(GTimeZone) tz = NULL;
	if (identifier == NULL || identifier[0] == '\0')
		return FALSE;
	tz = g_time_zone_new_identifier(identifier);
	return tz != NULL;
}

/* one <pae:NAME> value: the default when missing or invalid */
static gchar *
pae_domain_xml_read_name(xmlNode *pae_vm,
			 const gchar *element,
			 const gchar *default_value,
			 const gchar *domain_name,
			 GPtrArray *warnings)
{
	g_autofree gchar *value = pae_xml_child_text(pae_vm, element, PAE_VM_METADATA_URI);

	if (value == NULL || value[0] == '\0')
		return g_strdup(default_value);
	if (!pae_vm_name_is_valid(value)) {
		pae_domain_xml_add_warning(
			warnings,
			"domain '%s': invalid %s '%s' in pae metadata, using '%s'",
			domain_name,
			element,
			value,
			default_value);
		return g_strdup(default_value);
	}
	return g_steal_pointer(&value);
}

static void
pae_domain_xml_read_timezone(
	PaeVm *vm, xmlNode *pae_vm, xmlNode *clock, const gchar *default_value, GPtrArray *warnings)
{
	g_autofree gchar *from_metadata =
		pae_xml_child_text(pae_vm, "timezone", PAE_VM_METADATA_URI);
	g_autofree gchar *offset = pae_xml_attr(clock, "offset");
	g_autofree gchar *from_clock = pae_xml_attr(clock, "timezone");

	if (from_metadata != NULL && from_metadata[0] != '\0') {
		if (pae_domain_xml_timezone_is_valid(from_metadata)) {
			vm->timezone = g_steal_pointer(&from_metadata);
			vm->timezone_source = PAE_TIMEZONE_SOURCE_METADATA;
			return;
		}
		pae_domain_xml_add_warning(warnings,
					   "domain '%s': unknown time zone '%s' in pae metadata, "
					   "ignoring",
					   vm->name,
					   from_metadata);
	}
	if (g_strcmp0(offset, "timezone") == 0 && from_clock != NULL) {
		if (pae_domain_xml_timezone_is_valid(from_clock)) {
			vm->timezone = g_steal_pointer(&from_clock);
			vm->timezone_source = PAE_TIMEZONE_SOURCE_CLOCK;
			return;
		}
		pae_domain_xml_add_warning(warnings,
					   "domain '%s': unknown clock time zone '%s', ignoring",
					   vm->name,
					   from_clock);
	}
	vm->timezone = g_strdup(default_value);
	vm->timezone_source = PAE_TIMEZONE_SOURCE_DEFAULT;
}

/**
 * pae_domain_xml_parse:
 * @xml: the output of virDomainGetXMLDesc()
 * @defaults: tenant, category and time zone for what the XML does not say
 * @warnings: (nullable): gets a message for each invalid value ignored
 *
 * Returns: (transfer full): facts with uuid, name, tenant, category, time
 * zone and domain id set; state and snapshot are the caller's to fill
 */
PaeVm *
pae_domain_xml_parse(const gchar *xml,
		     const PaeVmDefaults *defaults,
		     GPtrArray *warnings,
		     GError **error)
{
	g_autoptr(xmlDoc) doc = NULL;
	g_autoptr(PaeVm) vm = NULL;
	g_autofree gchar *uuid_text = NULL;
	g_autofree gchar *uuid = NULL;
	g_autofree gchar *id_text = NULL;
	xmlNode *root;
	xmlNode *pae_vm;
	gint64 id = -1;

	doc = pae_xml_parse(xml, strlen(xml), PAE_DOMAIN_XML_MAX, error);
	if (doc == NULL) {
		g_prefix_error(error, "domain XML: ");
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (!pae_xml_is(root, "domain", NULL)) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "domain XML: root element is not <domain>");
		return NULL;
	}
	uuid_text = pae_xml_child_text(root, "uuid", NULL);
	uuid = pae_vm_uuid_normalize(uuid_text);
	if (uuid == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_DATA,
			    "domain XML: invalid <uuid> '%s'",
			    uuid_text != NULL ? uuid_text : "");
		return NULL;
	}
	vm = pae_vm_new(uuid);
	vm->name = pae_xml_child_text(root, "name", NULL);
	if (vm->name == NULL)
		vm->name = g_strdup("");
	id_text = pae_xml_attr(root, "id");
	if (id_text != NULL && !g_ascii_string_to_signed(id_text, 10, 0, G_MAXINT, &id, NULL))
		id = -1;
	vm->domain_id = (gint)id;

	pae_vm = pae_xml_child(pae_xml_child(root, "metadata", NULL), "vm", PAE_VM_METADATA_URI);
	vm->tenant =
		pae_domain_xml_read_name(pae_vm, "tenant", defaults->tenant, vm->name, warnings);
	vm->category = pae_domain_xml_read_name(
		pae_vm, "category", defaults->category, vm->name, warnings);
	pae_domain_xml_read_timezone(
		vm, pae_vm, pae_xml_child(root, "clock", NULL), defaults->timezone, warnings);
	return g_steal_pointer(&vm);
}

/**
 * pae_domain_xml_parse_snapshot_parent:
 * @xml: the output of virDomainSnapshotGetXMLDesc()
 *
 * Returns: (nullable): the name of the snapshot's parent
 */
gchar *
pae_domain_xml_parse_snapshot_parent(const gchar *xml)
{
	g_autoptr(xmlDoc) doc = NULL;

	doc = pae_xml_parse(xml, strlen(xml), PAE_DOMAIN_XML_MAX, NULL);
	if (doc == NULL)
		return NULL;
	return pae_xml_child_text(
		pae_xml_child(xmlDocGetRootElement(doc), "parent", NULL), "name", NULL);
}

/**
 * pae_domain_xml_build_metadata:
 *
 * Returns: the <vm> element for virDomainSetMetadata() (without a prefix:
 * libvirt adds the one passed as key)
 */
gchar *
pae_domain_xml_build_metadata(const gchar *tenant, const gchar *category, const gchar *timezone)
{
	GString *xml = g_string_new("<vm>");
	if (tenant != NULL) {
		g_autofree gchar *escaped = pae_xml_escape(tenant);
		g_string_append_printf(xml, "<tenant>%s</tenant>", escaped);
	}
	if (category != NULL) {
		g_autofree gchar *escaped = pae_xml_escape(category);
		g_string_append_printf(xml, "<category>%s</category>", escaped);
	}
	if (timezone != NULL) {
		g_autofree gchar *escaped = pae_xml_escape(timezone);
		g_string_append_printf(xml, "<timezone>%s</timezone>", escaped);
	}
	g_string_append(xml, "</vm>");
	return g_string_free(xml, FALSE);
}
