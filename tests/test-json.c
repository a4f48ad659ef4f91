/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-json.h"
#include "pae-test-util.h"

static void
test_json_compact_func(void **state)
{
	g_autoptr(PaeJson) json = pae_json_new(FALSE);
	g_autofree gchar *text = NULL;

	pae_json_begin_object(json);
	pae_json_member_string(json, "s", "quote \" backslash \\ newline \n tab \t ctl \x01 é");
	pae_json_member_int(json, "i", -42);
	pae_json_member_boolean(json, "b", TRUE);
	pae_json_member_string(json, "n", NULL);
	pae_json_member_time(json, "t", 1772323200000000);
	pae_json_member_time(json, "never", 0);
	pae_json_key(json, "a");
	pae_json_begin_array(json);
	pae_json_int(json, 1);
	pae_json_begin_object(json);
	pae_json_end_object(json);
	pae_json_raw(json, "{\"x\":1}");
	pae_json_end_array(json);
	pae_json_end_object(json);
	text = pae_json_finish(json);
	assert_string_equal(
		text,
		"{\"s\":\"quote \\\" backslash \\\\ newline \\n tab \\t ctl \\u0001 é\","
		"\"i\":-42,\"b\":true,\"n\":null,\"t\":\"2026-03-01T00:00:00Z\","
		"\"never\":null,\"a\":[1,{},{\"x\":1}]}");
}

static void
test_json_pretty_func(void **state)
{
	g_autoptr(PaeJson) json = pae_json_new(TRUE);
	g_autofree gchar *text = NULL;

	pae_json_begin_object(json);
	pae_json_key(json, "vms");
	pae_json_begin_array(json);
	pae_json_end_array(json);
	pae_json_member_int(json, "n", 1);
	pae_json_end_object(json);
	text = pae_json_finish(json);
	assert_string_equal(text, "{\n  \"vms\": [],\n  \"n\": 1\n}");
}

static void
test_json_invalid_utf8_func(void **state)
{
	g_autoptr(PaeJson) json = pae_json_new(FALSE);
	g_autofree gchar *text = NULL;

	pae_json_string(json, "bad \xff byte");
	text = pae_json_finish(json);
	assert_true(g_utf8_validate(text, -1, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_compact_func),
		cmocka_unit_test(test_json_pretty_func),
		cmocka_unit_test(test_json_invalid_utf8_func),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
