/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-domain-xml.h"
#include "pae-error.h"
#include "pae-test-util.h"

static const PaeVmDefaults defaults = {"default", "production", "UTC"};

static gchar *
domain_xml(const gchar *metadata, const gchar *clock)
{
	return g_strdup_printf("<domain type='test' id='5'><name>web 1 «é»</name>"
			       "<uuid>6695EB01-F6A4-8304-79AA-97F2502E193F</uuid>"
			       "<metadata>%s</metadata>%s</domain>",
			       metadata,
			       clock);
}

static PaeVm *
parse(const gchar *metadata, const gchar *clock, GPtrArray *warnings)
{
	g_autofree gchar *xml = domain_xml(metadata, clock);
	g_autoptr(GError) error = NULL;
	PaeVm *vm = pae_domain_xml_parse(xml, &defaults, warnings, &error);
	if (vm == NULL)
		fail_msg("%s", error->message);
	return vm;
}

static void
test_domain_xml_metadata_func(void **state)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(PaeVm) vm =
		parse("<pae:vm xmlns:pae='urn:x-pae:vm:1'><pae:tenant>acme</pae:tenant>"
		      "<pae:category>test</pae:category>"
		      "<pae:timezone>Asia/Kathmandu</pae:timezone></pae:vm>",
		      "<clock offset='timezone' timezone='Europe/Paris'/>",
		      warnings);

	assert_string_equal(vm->uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f");
	assert_string_equal(vm->name, "web 1 «é»");
	assert_int_equal(vm->domain_id, 5);
	assert_string_equal(vm->tenant, "acme");
	assert_string_equal(vm->category, "test");
	assert_string_equal(vm->timezone, "Asia/Kathmandu");
	assert_int_equal(vm->timezone_source, PAE_TIMEZONE_SOURCE_METADATA);
	assert_int_equal(warnings->len, 0);
}

static void
test_domain_xml_fallbacks_func(void **state)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(PaeVm) clock =
		parse("", "<clock offset='timezone' timezone='Europe/Paris'/>", warnings);
	g_autoptr(PaeVm) none = parse("", "<clock offset='utc'/>", warnings);
	g_autoptr(PaeVm) other_ns = parse(
		"<x:vm xmlns:x='urn:other'><x:category>test</x:category></x:vm>", "", warnings);

	assert_string_equal(clock->timezone, "Europe/Paris");
	assert_int_equal(clock->timezone_source, PAE_TIMEZONE_SOURCE_CLOCK);
	assert_string_equal(none->timezone, "UTC");
	assert_int_equal(none->timezone_source, PAE_TIMEZONE_SOURCE_DEFAULT);
	assert_string_equal(none->tenant, "default");
	assert_string_equal(none->category, "production");
	/* another application's metadata is not ours */
	assert_string_equal(other_ns->category, "production");
	assert_int_equal(warnings->len, 0);
}

/* invalid values are a warning and a default, never an error */
static void
test_domain_xml_invalid_values_func(void **state)
{
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(PaeVm) vm = parse("<pae:vm xmlns:pae='urn:x-pae:vm:1'>"
				    "<pae:tenant>../../etc</pae:tenant>"
				    "<pae:category>prod uction</pae:category>"
				    "<pae:timezone>Mars/Olympus</pae:timezone></pae:vm>",
				    "<clock offset='timezone' timezone='Not/AZone'/>",
				    warnings);

	assert_string_equal(vm->tenant, "default");
	assert_string_equal(vm->category, "production");
	assert_string_equal(vm->timezone, "UTC");
	assert_int_equal(vm->timezone_source, PAE_TIMEZONE_SOURCE_DEFAULT);
	assert_int_equal(warnings->len, 4);
	assert_non_null(strstr(warnings->pdata[0], "invalid tenant '../../etc'"));
	assert_non_null(strstr(warnings->pdata[2], "unknown time zone 'Mars/Olympus'"));
}

static void
test_domain_xml_hostile_func(void **state)
{
	const gchar *bad[] = {
		"",
		"<domain>",
		"<notadomain/>",
		"<domain><uuid>not-a-uuid</uuid></domain>",
		"<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
		"<domain><uuid>&x;</uuid></domain>",
		"<!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
		"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><domain><name>&c;</name></domain>",
	};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(PaeVm) vm = pae_domain_xml_parse(bad[i], &defaults, NULL, &error);
		assert_null(vm);
		assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_DATA));
	}
}

static void
test_domain_xml_build_metadata_func(void **state)
{
	g_autofree gchar *xml = pae_domain_xml_build_metadata("a<b", "test", NULL);
	assert_string_equal(xml, "<vm><tenant>a&lt;b</tenant><category>test</category></vm>");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_xml_metadata_func),
		cmocka_unit_test(test_domain_xml_fallbacks_func),
		cmocka_unit_test(test_domain_xml_invalid_values_func),
		cmocka_unit_test(test_domain_xml_hostile_func),
		cmocka_unit_test(test_domain_xml_build_metadata_func),
	};
	return cmocka_run_group_tests_name("domain-xml", tests, NULL, NULL);
}
