/*
 * The BigFix backend's pure parts: relevance and BES XML builders, reply
 * parsers, time formats, error mapping and the circuit breaker, fed with
 * good, malformed, truncated, huge and hostile input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <string.h>

#include "../backends/bigfix/pae-bigfix-private.h"
#include "pae-error.h"
#include "pae-test-util.h"
#include "pae-xml.h"

#define MAX_REPLY (1024 * 1024)

/* 2026-03-01T00:00:00Z */
#define T0 ((PaeTime)1772323200 * G_USEC_PER_SEC)

#define assert_no_error(error)                                                                     \
	do {                                                                                       \
		if ((error) != NULL)                                                               \
			fail_msg("unexpected error: %s", (error)->message);                        \
	} while (0)

#define Q_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BESAPI><Query Resource=\"x\"><Result>"
#define Q_TAIL                                                                                     \
	"</Result><Evaluation><Time>1ms</Time><Plurality>Plural</Plurality></Evaluation></"        \
	"Query></BESAPI>"

static GPtrArray *
parse_rows(const gchar *xml, const gchar *columns, GError **error)
{
	return pae_bigfix_reply_parse_query(xml, strlen(xml), MAX_REPLY, columns, error);
}

/* cmocka has no GError assertion; this one prints the message on failure */
static void
assert_error_code(GError *error, gint code)
{
	if (error == NULL)
		fail_msg("expected error %s, got success", pae_error_to_string(code));
	if (error->domain != PAE_ERROR || error->code != code)
		fail_msg("expected error %s, got %s: %s",
			 pae_error_to_string(code),
			 pae_error_to_string(error->code),
			 error->message);
}

static void
test_bigfix_relevance_quote_func(void **state)
{
	const struct {
		const gchar *in;
		const gchar *out;
	} cases[] = {
		{"VM UUID", "\"VM UUID\""},
		{"a\"b", "\"a%22b\""},
		{"100%", "\"100%25\""},
		{"%22", "\"%2522\""},
		{"line\nbreak", "\"line%0Abreak\""},
		{"", "\"\""},
		{"caf\xc3\xa9", "\"caf\xc3\xa9\""},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *quoted = pae_bigfix_relevance_quote(cases[i].in);
		assert_string_equal(quoted, cases[i].out);
	}
}

/* the catalogue of tests/bigfix-emulator/README.md, character for character */
static void
test_bigfix_relevance_catalogue_func(void **state)
{
	const gchar *sites[] = {"A", "B", NULL};
	g_autoptr(GPtrArray) patches =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_ref_free);
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *q1 = pae_bigfix_relevance_computers("VM UUID");
	g_autofree gchar *q2 = pae_bigfix_relevance_relevant(sites);
	g_autofree gchar *q3 = NULL;
	g_autofree gchar *q4 = NULL;
	g_autofree gchar *q4_prefix = pae_bigfix_relevance_actions_by_prefix("pae:host1:");
	g_autofree gchar *q5 = NULL;
	g_autofree gchar *q3_part = NULL;
	g_autofree gchar *body = NULL;

	assert_string_equal(
		q1,
		"(id of computer of it, name of computer of it | \"\", value of it | \"\", "
		"(last report time of computer of it as string) | \"\") of results of bes "
		"properties whose (name of it = \"VM UUID\")");
	assert_string_equal(
		q2,
		"(id of computer of it, name of site of fixlet of it, id of fixlet of it) "
		"of results whose (relevant flag of it) of bes fixlets whose (fixlet flag "
		"of it and (name of site of it = \"A\" or name of site of it = \"B\"))");

	g_ptr_array_add(patches, pae_patch_ref_new("A", "1"));
	g_ptr_array_add(patches, pae_patch_ref_new("B", "7"));
	g_ptr_array_add(patches, pae_patch_ref_new("A", "2"));
	g_ptr_array_add(patches, pae_patch_ref_new("A", "1")); /* a duplicate */
	q3 = pae_bigfix_relevance_patch_info(patches, 0, patches->len);
	assert_string_equal(
		q3,
		"(name of site of it, id of it, name of it, source severity of it | \"\", "
		"category of it | \"\", (source release date of it as string) | \"\", cve "
		"id list of it | \"\") of bes fixlets whose (fixlet flag of it and ((name "
		"of site of it = \"A\" and id of it is contained by set of (1;2)) or (name "
		"of site of it = \"B\" and id of it is contained by set of (7))))");
	/* a chunk is a window of the list */
	q3_part = pae_bigfix_relevance_patch_info(patches, 1, 1);
	assert_non_null(
		strstr(q3_part,
		       "whose (fixlet flag of it and ((name of site of it = \"B\" and id of "
		       "it is contained by set of (7))))"));

	g_ptr_array_add(ids, g_strdup("2001"));
	g_ptr_array_add(ids, g_strdup("2004"));
	g_ptr_array_add(ids, g_strdup("2009"));
	q4 = pae_bigfix_relevance_actions_by_ids(ids, 0, 2);
	assert_string_equal(
		q4,
		"(id of it, name of it, state of it, (time issued of it as string) | \"\") "
		"of bes actions whose (id of it is contained by set of (2001;2004))");
	assert_string_equal(
		q4_prefix,
		"(id of it, name of it, state of it, (time issued of it as string) | \"\") "
		"of bes actions whose (name of it starts with \"[pae:host1:\")");
	q5 = pae_bigfix_relevance_results_by_ids(ids, 2, 5);
	assert_string_equal(
		q5,
		"(id of action of it, id of computer of it, status of it as string, exit "
		"code of it | -1, apply count of it, (start time of it as string) | \"\", "
		"(end time of it as string) | \"\") of results of bes actions whose (id of "
		"it is contained by set of (2009))");

	body = pae_bigfix_relevance_form_body("a = \"b&c\" + 1%");
	assert_string_equal(body, "relevance=a%20%3D%20%22b%26c%22%20%2B%201%25");
}

static void
test_bigfix_relevance_hostile_func(void **state)
{
	const gchar *sites[] = {"x\") or (true", NULL};
	g_autofree gchar *q2 = pae_bigfix_relevance_relevant(sites);
	g_autofree gchar *q4 = pae_bigfix_relevance_actions_by_prefix("\") or (true");
	g_autoptr(GError) error = NULL;

	/* the quote cannot close the string constant */
	assert_null(strstr(q2, "\"x\")"));
	assert_non_null(strstr(q2, "\"x%22) or (true\""));
	assert_non_null(strstr(q4, "starts with \"[%22) or (true\""));

	assert_true(pae_bigfix_relevance_check_id("123", "id", NULL));
	assert_true(pae_bigfix_relevance_check_id("0", "id", NULL));
	assert_false(pae_bigfix_relevance_check_id("", "id", NULL));
	assert_false(pae_bigfix_relevance_check_id(NULL, "id", NULL));
	assert_false(pae_bigfix_relevance_check_id("-1", "id", NULL));
	assert_false(pae_bigfix_relevance_check_id("1;2", "id", NULL));
	assert_false(pae_bigfix_relevance_check_id("12 ", "id", NULL));
	assert_false(pae_bigfix_relevance_check_id("1234567890123456789", "id", NULL));
	assert_false(pae_bigfix_relevance_check_id("1) or (true", "action id", &error));
	assert_error_code(error, PAE_ERROR_INVALID_DATA);
}

static void
test_bigfix_reply_query_func(void **state)
{
	const gchar *xml =
		Q_HEAD "<Tuple><Answer type=\"integer\">1001</Answer>"
		       "<Answer type=\"string\">vm &amp; co</Answer></Tuple>\n"
		       "<Unknown>skipped</Unknown>"
		       "<Tuple NewAttr=\"1\"><Answer type=\"integer\">-5</Answer><Extra/>"
		       "<Answer type=\"string\"></Answer></Tuple>" Q_TAIL;
	const gchar *single = Q_HEAD
		"<Answer type=\"integer\">7</Answer><Answer type=\"integer\">8</Answer>" Q_TAIL;
	const gchar *empty = Q_HEAD Q_TAIL;
	g_autoptr(GPtrArray) rows = NULL;
	g_autoptr(GPtrArray) singles = NULL;
	g_autoptr(GPtrArray) none = NULL;
	g_autoptr(GError) error = NULL;
	gchar **row;

	rows = parse_rows(xml, "is", &error);
	assert_no_error(error);
	assert_int_equal(rows->len, 2);
	row = g_ptr_array_index(rows, 0);
	assert_string_equal(row[0], "1001");
	assert_string_equal(row[1], "vm & co");
	row = g_ptr_array_index(rows, 1);
	assert_string_equal(row[0], "-5");
	assert_string_equal(row[1], "");

	singles = parse_rows(single, "i", &error);
	assert_no_error(error);
	assert_int_equal(singles->len, 2);

	none = parse_rows(empty, "isss", &error);
	assert_no_error(error);
	assert_int_equal(none->len, 0);
}

static void
test_bigfix_reply_query_bad_func(void **state)
{
	const struct {
		const gchar *xml;
		const gchar *columns;
		PaeError code;
		const gchar *message;
	} cases[] = {
		/* relevance errors come with HTTP 200 */
		{"<BESAPI><Query Resource=\"x\"><Result></Result><Error>The operator \"foo\" is "
		 "not "
		 "defined.</Error></Query></BESAPI>",
		 "i",
		 PAE_ERROR_INVALID_DATA,
		 "relevance error: The operator \"foo\" is not defined."},
		{"<BESAPI><Query><Result><Tuple><Answer>1</Answer></Tuple></Result></Query></"
		 "BESAPI>",
		 "is",
		 PAE_ERROR_INVALID_DATA,
		 "row 1: expected 2 answers, got 1"},
		{"<BESAPI><Query><Result><Tuple><Answer>1</Answer><Answer>2</Answer><Answer>3</"
		 "Answer>"
		 "</Tuple></Result></Query></BESAPI>",
		 "is",
		 PAE_ERROR_INVALID_DATA,
		 "row 1: expected 2 answers, got more than 2"},
		{"<BESAPI><Query><Result><Tuple><Answer>x1</Answer><Answer>2</Answer></Tuple></"
		 "Result>"
		 "</Query></BESAPI>",
		 "is",
		 PAE_ERROR_INVALID_DATA,
		 "row 1, column 1: expected an integer"},
		{"<BESAPI><Query><Result><Tuple><Tuple><Answer>1</Answer></Tuple></Tuple></Result>"
		 "</Query></BESAPI>",
		 "i",
		 PAE_ERROR_INVALID_DATA,
		 "row 1: nested tuples are not expected"},
		{"<BESAPI><Query><Evaluation/></Query></BESAPI>",
		 "i",
		 PAE_ERROR_INVALID_DATA,
		 "no Result"},
		{"<BESAPI><Action/></BESAPI>", "i", PAE_ERROR_INVALID_DATA, "no Query"},
		{"<BES><Query><Result/></Query></BES>",
		 "i",
		 PAE_ERROR_INVALID_DATA,
		 "not a BESAPI"},
		{"<x:BESAPI xmlns:x=\"urn:x\"><Query><Result/></Query></x:BESAPI>",
		 "i",
		 PAE_ERROR_INVALID_DATA,
		 "not a BESAPI"},
		/* malformed and truncated */
		{"<?xml version=\"1.0\"?><BESAPI><Query><Result><Tuple><Answer "
		 "type=\"integer\">1</Answ",
		 "i",
		 PAE_ERROR_INVALID_DATA,
		 "malformed XML"},
		{"", "i", PAE_ERROR_INVALID_DATA, "empty"},
		{"not xml at all", "i", PAE_ERROR_INVALID_DATA, "malformed XML"},
		{"{\"result\": [[1, 2]]}", "i", PAE_ERROR_INVALID_DATA, "malformed XML"},
		{"<BESAPI><Query><Result><Answer>\xff\xfe</Answer></Result></Query></BESAPI>",
		 "s",
		 PAE_ERROR_INVALID_DATA,
		 "malformed XML"},
		/* hostile: entity expansion and external entities, refused with any DOCTYPE */
		{"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		 "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		 "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
		 "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
		 "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
		 "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
		 "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
		 "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
		 "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
		 "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
		 "<BESAPI><Query><Result><Answer>&lol9;</Answer></Result></Query></BESAPI>",
		 "s",
		 PAE_ERROR_INVALID_DATA,
		 NULL},
		{"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
		 "<BESAPI><Query><Result><Answer>&xxe;</Answer></Result></Query></BESAPI>",
		 "s",
		 PAE_ERROR_INVALID_DATA,
		 NULL},
		{"<?xml version=\"1.0\"?><!DOCTYPE BESAPI SYSTEM \"http://127.0.0.1:1/x.dtd\">"
		 "<BESAPI><Query><Result/></Query></BESAPI>",
		 "s",
		 PAE_ERROR_INVALID_DATA,
		 NULL},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) rows = parse_rows(cases[i].xml, cases[i].columns, &error);
		if (rows != NULL)
			fail_msg("case %u parsed", i);
		assert_error_code(error, cases[i].code);
		if (cases[i].message != NULL && strstr(error->message, cases[i].message) == NULL)
			fail_msg("case %u: '%s' lacks '%s'", i, error->message, cases[i].message);
		/* the entity's text never reaches the caller */
		assert_null(strstr(error->message, "lollol"));
		assert_null(strstr(error->message, "root:"));
	}
}

static void
test_bigfix_reply_huge_func(void **state)
{
	g_autoptr(GString) xml = g_string_new(Q_HEAD);
	g_autoptr(GString) deep = g_string_new("<BESAPI><Query><Result><Tuple>");
	g_autoptr(GPtrArray) rows = NULL;
	g_autoptr(GPtrArray) deep_rows = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) deep_error = NULL;

	/* over the cap: refused before libxml2 sees a byte */
	while (xml->len <= MAX_REPLY)
		g_string_append(xml, "<Answer type=\"integer\">1</Answer>\n");
	g_string_append(xml, Q_TAIL);
	rows = parse_rows(xml->str, "i", &error);
	assert_null(rows);
	assert_error_code(error, PAE_ERROR_TOO_LARGE);

	/* 100,000 nested elements: libxml2's depth limit, not the stack */
	for (guint i = 0; i < 100000; i++)
		g_string_append(deep, "<a>");
	deep_rows = parse_rows(deep->str, "s", &deep_error);
	assert_null(deep_rows);
	assert_error_code(deep_error, PAE_ERROR_INVALID_DATA);
}

/* every prefix of a good reply is refused or parsed, never a crash */
static void
test_bigfix_reply_truncated_func(void **state)
{
	const gchar *xml =
		Q_HEAD "<Tuple><Answer type=\"integer\">1001</Answer><Answer "
		       "type=\"string\">vm-lon-1</Answer><Answer type=\"string\">3F6C2A4E-8B1D-"
		       "4C55-9A0E-1B2C3D4E5F01</Answer><Answer type=\"string\">Sat, 28 Feb 2026 "
		       "23:50:00 +0000</Answer></Tuple>" Q_TAIL;
	gsize len = strlen(xml);

	for (gsize cut = 0; cut < len; cut++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) computers =
			pae_bigfix_reply_parse_computers(xml, cut, MAX_REPLY, &error);
		if (computers == NULL)
			assert_non_null(error);
	}
	for (gsize i = 0; i < len; i++) {
		g_autofree gchar *mutated = g_strdup(xml);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) computers = NULL;
		mutated[i] = (gchar)(mutated[i] ^ 0x5a);
		computers = pae_bigfix_reply_parse_computers(mutated, len, MAX_REPLY, &error);
		if (computers == NULL)
			assert_non_null(error);
	}
}

static void
test_bigfix_reply_computers_func(void **state)
{
	const gchar *xml = Q_HEAD
		"<Tuple><Answer>1001</Answer><Answer>vm-lon-1</Answer><Answer>3F6C2A4E-8B1D-4C55-"
		"9A0E-1B2C3D4E5F01</Answer><Answer>Sat, 28 Feb 2026 23:50:00 +0000</Answer></Tuple>"
		"<Tuple><Answer>1001</Answer><Answer>vm-lon-1</Answer><Answer>other</Answer>"
		"<Answer></Answer></Tuple>"
		"<Tuple><Answer>1002</Answer><Answer></Answer><Answer>not a uuid</Answer>"
		"<Answer>Sat, 28 Feb 2026 18:55:00 -0500</Answer></Tuple>"
		"<Tuple><Answer>1003</Answer><Answer>vm</"
		"Answer><Answer>{3f6c2a4e8b1d4c559a0e1b2c3d4e5f03}"
		"</Answer><Answer>yesterday</Answer></Tuple>" Q_TAIL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) computers =
		pae_bigfix_reply_parse_computers(xml, strlen(xml), MAX_REPLY, &error);
	PaeComputer *computer;

	assert_no_error(error);
	/* a plural property repeats the computer: the first row wins */
	assert_int_equal(computers->len, 3);
	computer = g_ptr_array_index(computers, 0);
	assert_string_equal(computer->computer_id, "1001");
	assert_string_equal(computer->name, "vm-lon-1");
	assert_string_equal(computer->vm_uuid, "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01");
	assert_int_equal(computer->last_report, T0 - 10 * G_TIME_SPAN_MINUTE);
	computer = g_ptr_array_index(computers, 1);
	assert_null(computer->vm_uuid);
	assert_int_equal(computer->last_report, T0 - 5 * G_TIME_SPAN_MINUTE);
	computer = g_ptr_array_index(computers, 2);
	assert_string_equal(computer->vm_uuid, "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f03");
	assert_int_equal(computer->last_report, 0);
}

static void
test_bigfix_reply_uuid_func(void **state)
{
	const struct {
		const gchar *in;
		const gchar *out;
	} cases[] = {
		{"3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01"},
		{" 3F6C2A4E-8B1D-4C55-9A0E-1B2C3D4E5F01\n", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01"},
		{"{3F6C2A4E-8B1D-4C55-9A0E-1B2C3D4E5F01}", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01"},
		{"3F6C2A4E8B1D4C559A0E1B2C3D4E5F01", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01"},
		{"3F6C2A4E8B1D4C559A0E1B2C3D4E5F0G", NULL},
		{"3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f0", NULL},
		{"<none>", NULL},
		{"", NULL},
		{"{}", NULL},
		{"{", NULL},
		{NULL, NULL},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *uuid = pae_bigfix_reply_normalize_uuid(cases[i].in);
		if (g_strcmp0(uuid, cases[i].out) != 0)
			fail_msg("'%s': got '%s'", cases[i].in, uuid);
	}
}

static void
test_bigfix_reply_time_func(void **state)
{
	const struct {
		const gchar *text;
		gboolean ok;
		PaeTime time;
	} times[] = {
		{"Sun, 01 Mar 2026 00:00:00 +0000", TRUE, T0},
		{"Sat, 28 Feb 2026 19:00:00 -0500", TRUE, T0},
		{"Sun, 01 Mar 2026 05:45:00 +0545", TRUE, T0},
		{"01 Mar 2026 00:00:00 GMT", TRUE, T0},
		{"Sun,  1 Mar 2026 00:00:00 +0000", TRUE, T0},
		{"Wed, 25 May 2016 22:28:02 +0000", TRUE, (PaeTime)1464215282 * G_USEC_PER_SEC},
		{"Sun, 01 Mar 2026 24:00:00 +0000", FALSE, 0},
		{"Sun, 31 Feb 2026 00:00:00 +0000", FALSE, 0},
		{"Sun, 01 Foo 2026 00:00:00 +0000", FALSE, 0},
		{"Sun, 01 Mar 2026 00:00 +0000", FALSE, 0},
		{"Sun, 01 Mar 2026 00:00:00 +00", FALSE, 0},
		{"Sun, 01 Mar 2026 00:00:00 +2500", FALSE, 0},
		{"Sun, 01 Mar 2026", FALSE, 0},
		{"", FALSE, 0},
		{"2026-03-01T00:00:00Z", FALSE, 0},
		{"Sun, 01 Mar 99999 00:00:00 +0000", FALSE, 0},
		{"Sun, -1 Mar 2026 00:00:00 +0000", FALSE, 0},
	};
	const struct {
		const gchar *text;
		gboolean ok;
		PaeTime time;
	} dates[] = {
		{"Sun, 01 Mar 2026", TRUE, T0},
		{"Tue, 10 Mar 2026", TRUE, T0 + 9 * G_TIME_SPAN_DAY},
		{"1 Mar 2026", TRUE, T0},
		{"Sun, 01 Mar 2026 00:00:00 +0000", FALSE, 0},
		{"Mar 2026", FALSE, 0},
		{"2026-03-10", FALSE, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(times); i++) {
		PaeTime t = 0;
		gboolean ok = pae_bigfix_reply_parse_time(times[i].text, &t);
		if (ok != times[i].ok || t != times[i].time)
			fail_msg("time '%s': got %d %" G_GINT64_FORMAT, times[i].text, ok, t);
	}
	for (guint i = 0; i < G_N_ELEMENTS(dates); i++) {
		PaeTime t = 0;
		gboolean ok = pae_bigfix_reply_parse_date(dates[i].text, &t);
		if (ok != dates[i].ok || t != dates[i].time)
			fail_msg("date '%s': got %d %" G_GINT64_FORMAT, dates[i].text, ok, t);
	}
	assert_false(pae_bigfix_reply_parse_time(NULL, NULL));
}

static void
test_bigfix_reply_patch_info_func(void **state)
{
	const gchar *xml =
		Q_HEAD "<Tuple><Answer>Patches for RHEL "
		       "8</Answer><Answer>801001</Answer><Answer>RHSA-2026:0101"
		       "</Answer><Answer>Important</Answer><Answer>Security "
		       "Advisory</Answer><Answer>Tue, 10 "
		       "Feb 2026</Answer><Answer>CVE-2026-0001, CVE-2026-0002</Answer></Tuple>"
		       "<Tuple><Answer>Patches for RHEL "
		       "8</Answer><Answer>801004</Answer><Answer>tzdata</Answer>"
		       "<Answer></Answer><Answer></Answer><Answer></Answer><Answer></Answer></"
		       "Tuple>" Q_TAIL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) infos =
		pae_bigfix_reply_parse_patch_info(xml, strlen(xml), MAX_REPLY, &error);
	PaePatchInfo *info;

	assert_no_error(error);
	assert_int_equal(infos->len, 2);
	info = g_ptr_array_index(infos, 0);
	assert_string_equal(info->site, "Patches for RHEL 8");
	assert_string_equal(info->fixlet_id, "801001");
	assert_string_equal(info->name, "RHSA-2026:0101");
	assert_string_equal(info->source_severity, "Important");
	assert_string_equal(info->category, "Security Advisory");
	assert_int_equal(info->release_date, T0 - 19 * G_TIME_SPAN_DAY);
	assert_int_equal(g_strv_length(info->cves), 2);
	assert_string_equal(info->cves[1], "CVE-2026-0002");
	info = g_ptr_array_index(infos, 1);
	assert_null(info->source_severity);
	assert_null(info->category);
	assert_int_equal(info->release_date, 0);
	assert_non_null(info->cves);
	assert_int_equal(g_strv_length(info->cves), 0);
}

static void
test_bigfix_reply_actions_func(void **state)
{
	const gchar *q4 = Q_HEAD
		"<Tuple><Answer>2001</Answer><Answer>[k1] patch</Answer><Answer>Open</Answer>"
		"<Answer>Sun, 01 Mar 2026 00:00:00 +0000</Answer></Tuple>" Q_TAIL;
	const gchar *q5 = Q_HEAD
		"<Tuple><Answer>2001</Answer><Answer>1001</Answer><Answer>Fixed</Answer>"
		"<Answer>0</Answer><Answer>1</Answer><Answer>Sun, 01 Mar 2026 02:00:00 "
		"+0000</Answer><Answer>Sun, 01 Mar 2026 02:01:00 +0000</Answer></Tuple>"
		"<Tuple><Answer>2001</Answer><Answer>1002</Answer><Answer>Evaluating</Answer>"
		"<Answer>-1</Answer><Answer>0</Answer><Answer></Answer><Answer></Answer>"
		"</Tuple><Tuple><Answer>2001</Answer><Answer>1003</Answer><Answer>Failed"
		"</Answer><Answer>3221225477</Answer><Answer>99999999999</Answer><Answer>"
		"</Answer><Answer></Answer></Tuple>" Q_TAIL;
	const gchar *created =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BESAPI xmlns:xsi=\"http://"
		"www.w3.org/2001/XMLSchema-instance\"><Action Resource=\"http://srv/api/"
		"action/2005\" LastModified=\"x\"><Name>[k] x</Name><ID>2005</ID></Action>"
		"</BESAPI>";
	const gchar *created_bad[] = {
		"<BESAPI><Action><Name>x</Name></Action></BESAPI>",
		"<BESAPI><Action><ID>12a</ID></Action></BESAPI>",
		"<BESAPI></BESAPI>",
		"<BESAPI><Action><ID>",
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) infos =
		pae_bigfix_reply_parse_action_infos(q4, strlen(q4), MAX_REPLY, &error);
	g_autoptr(GPtrArray) results = NULL;
	g_autofree gchar *id = NULL;
	PaeActionInfo *info;
	PaeActionResult *result;

	assert_no_error(error);
	assert_int_equal(infos->len, 1);
	info = g_ptr_array_index(infos, 0);
	assert_string_equal(info->action_id, "2001");
	assert_string_equal(info->title, "[k1] patch");
	assert_string_equal(info->state, "Open");
	assert_int_equal(info->issued, T0);

	results = pae_bigfix_reply_parse_action_results(q5, strlen(q5), MAX_REPLY, &error);
	assert_no_error(error);
	assert_int_equal(results->len, 3);
	result = g_ptr_array_index(results, 0);
	assert_string_equal(result->computer_id, "1001");
	assert_string_equal(result->status, "Fixed");
	assert_int_equal(result->exit_code, 0);
	assert_int_equal(result->apply_count, 1);
	assert_int_equal(result->start, T0 + 2 * G_TIME_SPAN_HOUR);
	assert_int_equal(result->end, T0 + 2 * G_TIME_SPAN_HOUR + G_TIME_SPAN_MINUTE);
	result = g_ptr_array_index(results, 1);
	assert_int_equal(result->exit_code, -1);
	assert_int_equal(result->start, 0);
	result = g_ptr_array_index(results, 2);
	assert_int_equal(result->exit_code, G_MAXINT);
	assert_int_equal(result->apply_count, G_MAXINT);

	id = pae_bigfix_reply_parse_created_action(created, strlen(created), MAX_REPLY, &error);
	assert_no_error(error);
	assert_string_equal(id, "2005");
	for (guint i = 0; i < G_N_ELEMENTS(created_bad); i++) {
		g_autoptr(GError) bad_error = NULL;
		g_autofree gchar *bad = pae_bigfix_reply_parse_created_action(
			created_bad[i], strlen(created_bad[i]), MAX_REPLY, &bad_error);
		assert_null(bad);
		assert_error_code(bad_error, PAE_ERROR_INVALID_DATA);
	}
}

static void
test_bigfix_action_offset_func(void **state)
{
	const struct {
		GTimeSpan span;
		const gchar *text;
	} cases[] = {
		{0, "PT0S"},
		{G_TIME_SPAN_SECOND, "PT1S"},
		{G_TIME_SPAN_HOUR, "PT1H"},
		{-G_TIME_SPAN_HOUR, "-PT1H"},
		{G_TIME_SPAN_DAY, "P1D"},
		{-G_TIME_SPAN_DAY, "-P1D"},
		{2 * G_TIME_SPAN_DAY, "P2D"},
		{G_TIME_SPAN_DAY + 2 * G_TIME_SPAN_HOUR, "P1DT2H"},
		{G_TIME_SPAN_DAY + 90 * G_TIME_SPAN_SECOND, "P1DT1M30S"},
		{400 * G_TIME_SPAN_DAY, "P400D"},
		{G_TIME_SPAN_SECOND / 2, "PT1S"},
		{G_TIME_SPAN_SECOND / 2 - 1, "PT0S"},
		{-G_TIME_SPAN_SECOND / 4, "PT0S"},
		{G_MININT64, "-P106751991DT4H55S"},
	};
	g_autoptr(GRegex) pattern =
		g_regex_new("^-?P([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+S)?)?$", 0, 0, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *text = pae_bigfix_action_format_offset(cases[i].span);
		if (g_strcmp0(text, cases[i].text) != 0)
			fail_msg("%" G_GINT64_FORMAT ": got %s", cases[i].span, text);
		assert_true(g_regex_match(pattern, text, 0, NULL));
	}
}

static xmlSchema *
load_bes_schema(void)
{
	g_autofree gchar *path =
		g_build_filename(pae_test_srcdir(), "bigfix-emulator", "schemas", "BES.xsd", NULL);
	xmlSchemaParserCtxt *parser = xmlSchemaNewParserCtxt(path);
	xmlSchema *schema;

	assert_non_null(parser);
	schema = xmlSchemaParse(parser);
	xmlSchemaFreeParserCtxt(parser);
	if (schema == NULL)
		fail_msg("cannot load %s", path);
	return schema;
}

static void
assert_valid_bes(const gchar *xml)
{
	xmlSchema *schema = load_bes_schema();
	xmlSchemaValidCtxt *valid = xmlSchemaNewValidCtxt(schema);
	g_autoptr(GError) error = NULL;
	g_autoptr(xmlDoc) doc = pae_xml_parse(xml, strlen(xml), MAX_REPLY, &error);
	int rc;

	assert_no_error(error);
	rc = xmlSchemaValidateDoc(valid, doc);
	xmlSchemaFreeValidCtxt(valid);
	xmlSchemaFree(schema);
	if (rc != 0)
		fail_msg("not valid against BES.xsd (%d):\n%s", rc, xml);
}

/* the text of the element at @xpath, or NULL */
static gchar *
xml_get(const gchar *xml, const gchar *xpath)
{
	g_autoptr(xmlDoc) doc = pae_xml_parse(xml, strlen(xml), MAX_REPLY, NULL);
	g_autoptr(xmlXPathContext) ctx = xmlXPathNewContext(doc);
	g_autoptr(xmlXPathObject) obj = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);

	if (obj == NULL || obj->nodesetval == NULL || obj->nodesetval->nodeNr == 0)
		return NULL;
	return pae_xml_text(obj->nodesetval->nodeTab[0]);
}

static guint
xml_count(const gchar *xml, const gchar *xpath)
{
	g_autoptr(xmlDoc) doc = pae_xml_parse(xml, strlen(xml), MAX_REPLY, NULL);
	g_autoptr(xmlXPathContext) ctx = xmlXPathNewContext(doc);
	g_autoptr(xmlXPathObject) obj = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);

	if (obj == NULL || obj->nodesetval == NULL)
		return 0;
	return (guint)obj->nodesetval->nodeNr;
}

static void
assert_xml(const gchar *xml, const gchar *xpath, const gchar *expected)
{
	g_autofree gchar *value = xml_get(xml, xpath);
	if (g_strcmp0(value, expected) != 0)
		fail_msg("%s: expected '%s', got '%s' in\n%s", xpath, expected, value, xml);
}

static PaeActionRequest *
make_request(guint n_patches, PaeActionTimeMode mode)
{
	PaeActionRequest *request = pae_action_request_new();

	request->idempotency_key = g_strdup("pae:host1:42");
	request->summary = g_strdup("RHSA-2026:0101 on 2 VMs");
	for (guint i = 0; i < n_patches; i++) {
		g_autofree gchar *id = g_strdup_printf("%u", 801001 + i);
		g_ptr_array_add(request->patches, pae_patch_ref_new("Patches for RHEL 8", id));
	}
	g_ptr_array_add(request->computer_ids, g_strdup("1001"));
	g_ptr_array_add(request->computer_ids, g_strdup("1002"));
	request->time_mode = mode;
	request->start = T0 + 2 * G_TIME_SPAN_HOUR;
	request->end = T0 + 2 * G_TIME_SPAN_DAY;
	return request;
}

static gchar *
build_action(const PaeActionRequest *request, const gchar *zone)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(zone);
	g_autoptr(GError) error = NULL;
	gchar *xml;

	assert_non_null(tz);
	xml = pae_bigfix_action_build(request, T0, tz, &error);
	assert_no_error(error);
	assert_non_null(xml);
	assert_valid_bes(xml);
	return xml;
}

static void
test_bigfix_action_single_utc_func(void **state)
{
	g_autoptr(PaeActionRequest) request = make_request(1, PAE_ACTION_TIME_UTC);
	g_autofree gchar *xml = NULL;

	request->restart_after = TRUE;
	xml = build_action(request, "America/New_York");
	assert_xml(xml, "/BES/SourcedFixletAction/SourceFixlet/Sitename", "Patches for RHEL 8");
	assert_xml(xml, "/BES/SourcedFixletAction/SourceFixlet/FixletID", "801001");
	assert_xml(xml, "/BES/SourcedFixletAction/SourceFixlet/Action", "Action1");
	assert_int_equal(xml_count(xml, "/BES/SourcedFixletAction/Target/ComputerID"), 2);
	assert_xml(xml, "/BES/SourcedFixletAction/Title", "[pae:host1:42] RHSA-2026:0101 on 2 VMs");
	/* Title is last */
	assert_int_equal(xml_count(xml, "/BES/SourcedFixletAction/*[last()][self::Title]"), 1);
	/* UTC: offsets from GMT now, whatever the server's zone */
	assert_xml(xml, "//Settings/UseUTCTime", "true");
	assert_xml(xml, "//Settings/HasStartTime", "true");
	assert_xml(xml, "//Settings/StartDateTimeOffset", "PT2H");
	assert_xml(xml, "//Settings/HasEndTime", "true");
	assert_xml(xml, "//Settings/EndDateTimeOffset", "P2D");
	assert_int_equal(xml_count(xml, "//Settings/HasTimeRange"), 0);
	assert_int_equal(xml_count(xml, "//StartDateTimeLocalOffset | //EndDateTimeLocalOffset"),
			 0);
	assert_int_equal(xml_count(xml, "//Settings/PostActionBehavior[@Behavior='Restart']"), 1);
}

static void
test_bigfix_action_group_local_func(void **state)
{
	g_autoptr(PaeActionRequest) request = make_request(3, PAE_ACTION_TIME_LOCAL);
	g_autofree gchar *xml = NULL;
	g_autofree gchar *xml_ny = NULL;
	g_autofree gchar *xml_past = NULL;

	request->time_range_start = 2 * 3600;
	request->time_range_end = 4 * 3600 + 30 * 60 + 15;
	xml = build_action(request, "UTC");
	assert_int_equal(xml_count(xml, "/BES/MultipleActionGroup/SourcedMemberAction"), 3);
	assert_xml(xml,
		   "/BES/MultipleActionGroup/SourcedMemberAction[3]/SourceFixlet/FixletID",
		   "801003");
	/* Title first, Target after Settings */
	assert_int_equal(xml_count(xml, "/BES/MultipleActionGroup/*[1][self::Title]"), 1);
	assert_int_equal(xml_count(xml, "/BES/MultipleActionGroup/*[last()][self::Target]"), 1);
	assert_int_equal(xml_count(xml, "/BES/MultipleActionGroup/Target/ComputerID"), 2);
	assert_xml(xml, "//Settings/UseUTCTime", "false");
	assert_xml(xml, "//Settings/HasTimeRange", "true");
	assert_xml(xml, "//Settings/TimeRange/StartTime", "02:00:00");
	assert_xml(xml, "//Settings/TimeRange/EndTime", "04:30:15");
	assert_xml(xml, "//Settings/StartDateTimeLocalOffset", "PT2H");
	assert_xml(xml, "//Settings/EndDateTimeLocalOffset", "P2D");
	assert_int_equal(xml_count(xml, "//StartDateTimeOffset | //EndDateTimeOffset"), 0);
	assert_int_equal(xml_count(xml, "//PostActionBehavior"), 0);

	/* the server's wall clock is 2026-02-28 19:00 in New York: 02:00 is 7 h away */
	xml_ny = build_action(request, "America/New_York");
	assert_xml(xml_ny, "//Settings/StartDateTimeLocalOffset", "PT7H");
	assert_xml(xml_ny, "//Settings/EndDateTimeLocalOffset", "P2DT5H");

	/* a start that has passed on the server's wall clock is a negative offset */
	request->start = T0 - G_TIME_SPAN_HOUR;
	xml_past = build_action(request, "Asia/Kathmandu");
	assert_xml(xml_past, "//Settings/StartDateTimeLocalOffset", "-PT6H45M");
	assert_xml(xml_past, "//Settings/EndDateTimeLocalOffset", "P1DT18H15M");
}

static void
test_bigfix_action_shapes_func(void **state)
{
	/* every combination validates */
	for (guint patches = 1; patches <= 2; patches++) {
		for (guint mode = 0; mode < 2; mode++) {
			for (guint range = 0; range < 2; range++) {
				for (guint restart = 0; restart < 2; restart++) {
					g_autoptr(PaeActionRequest) request =
						make_request(patches, (PaeActionTimeMode)mode);
					g_autofree gchar *xml = NULL;
					request->time_range_start = range ? 22 * 3600 : 0;
					request->time_range_end = range ? 86400 : 0;
					request->restart_after = restart;
					xml = build_action(request, "Europe/London");
					assert_int_equal(xml_count(xml, "//HasTimeRange"), range);
					assert_int_equal(xml_count(xml, "//PostActionBehavior"),
							 restart);
					if (range)
						assert_xml(xml, "//TimeRange/EndTime", "00:00:00");
				}
			}
		}
	}
}

static void
test_bigfix_action_hostile_func(void **state)
{
	g_autoptr(PaeActionRequest) request = make_request(1, PAE_ACTION_TIME_UTC);
	g_autofree gchar *xml = NULL;
	g_autofree gchar *title = NULL;
	GString *summary =
		g_string_new("</Title><AllComputers>true</AllComputers> & \"'\x01\x1f\t\n");

	/* markup, control characters, invalid UTF-8, and far too long */
	g_string_append(summary, "\xff\xfe");
	for (guint i = 0; i < 400; i++)
		g_string_append(summary, "\xc3\xa9");
	g_free(request->summary);
	request->summary = g_string_free(summary, FALSE);
	g_free(((PaePatchRef *)g_ptr_array_index(request->patches, 0))->site);
	((PaePatchRef *)g_ptr_array_index(request->patches, 0))->site = g_strdup("<Site & \"x\">");
	request->start = 0;
	xml = build_action(request, "UTC");
	assert_int_equal(xml_count(xml, "//AllComputers"), 0);
	assert_int_equal(xml_count(xml, "//HasStartTime"), 0);
	assert_xml(xml, "//SourceFixlet/Sitename", "<Site & \"x\">");
	title = xml_get(xml, "//Title");
	assert_true(g_str_has_prefix(title, "[pae:host1:42] </Title><AllComputers>"));
	assert_int_equal(g_utf8_strlen(title, -1), 255);
}

static void
test_bigfix_action_invalid_func(void **state)
{
	const gchar *bad_keys[] = {"", "a]b", "a\nb", "\xff"};
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();

	for (guint i = 0; i < 11 + G_N_ELEMENTS(bad_keys); i++) {
		g_autoptr(PaeActionRequest) request = make_request(2, PAE_ACTION_TIME_LOCAL);
		g_autoptr(GError) error = NULL;
		g_autofree gchar *xml = NULL;
		PaePatchRef *ref = g_ptr_array_index(request->patches, 1);

		switch (i) {
		case 0:
			g_ptr_array_set_size(request->patches, 0);
			break;
		case 1:
			g_ptr_array_set_size(request->computer_ids, 0);
			break;
		case 2:
			g_free(ref->fixlet_id);
			ref->fixlet_id = g_strdup("1) or (1");
			break;
		case 3:
			g_ptr_array_add(request->computer_ids, g_strdup("<ComputerID>1"));
			break;
		case 4:
			request->end = 0;
			break;
		case 5:
			request->end = request->start;
			break;
		case 6:
			/* over on the server's wall clock already */
			request->start = T0 - 2 * G_TIME_SPAN_HOUR;
			request->end = T0 - G_TIME_SPAN_HOUR;
			break;
		case 7:
			request->time_range_end = 86401;
			break;
		case 8:
			request->time_range_start = -1;
			break;
		case 9:
			request->time_mode = (PaeActionTimeMode)7;
			break;
		case 10:
			g_clear_pointer(&ref->site, g_free);
			break;
		default:
			g_free(request->idempotency_key);
			request->idempotency_key = g_strdup(bad_keys[i - 11]);
			break;
		}
		xml = pae_bigfix_action_build(request, T0, utc, &error);
		if (xml != NULL)
			fail_msg("case %u built:\n%s", i, xml);
		assert_error_code(error, PAE_ERROR_INVALID_DATA);
	}
}

static void
test_bigfix_breaker_func(void **state)
{
	g_autoptr(PaeBigfixBreaker) breaker = pae_bigfix_breaker_new(3, G_TIME_SPAN_MINUTE);
	g_autoptr(PaeBigfixBreaker) never = pae_bigfix_breaker_new(0, G_TIME_SPAN_MINUTE);
	g_autoptr(GError) error = NULL;
	PaeTime now = T0;

	pae_test_expect_warnings();
	/* failures that are not consecutive do not open it */
	for (guint i = 0; i < 10; i++) {
		assert_true(pae_bigfix_breaker_allow(breaker, now, NULL));
		pae_bigfix_breaker_record_failure(breaker, now);
		assert_true(pae_bigfix_breaker_allow(breaker, now, NULL));
		pae_bigfix_breaker_record_success(breaker);
	}
	for (guint i = 0; i < 3; i++) {
		assert_int_equal(pae_bigfix_breaker_get_state(breaker), PAE_BIGFIX_BREAKER_CLOSED);
		assert_true(pae_bigfix_breaker_allow(breaker, now, NULL));
		pae_bigfix_breaker_record_failure(breaker, now);
	}
	assert_int_equal(pae_bigfix_breaker_get_state(breaker), PAE_BIGFIX_BREAKER_OPEN);
	assert_false(pae_bigfix_breaker_allow(breaker, now + 59 * G_TIME_SPAN_SECOND, &error));
	assert_error_code(error, PAE_ERROR_CIRCUIT_OPEN);
	assert_true(pae_error_is_transient(error));
	g_clear_error(&error);

	/* after the cooldown, one probe; the others wait for it */
	now += G_TIME_SPAN_MINUTE;
	assert_true(pae_bigfix_breaker_allow(breaker, now, NULL));
	assert_int_equal(pae_bigfix_breaker_get_state(breaker), PAE_BIGFIX_BREAKER_HALF_OPEN);
	assert_false(pae_bigfix_breaker_allow(breaker, now, &error));
	assert_error_code(error, PAE_ERROR_CIRCUIT_OPEN);
	g_clear_error(&error);
	/* the probe fails: another full cooldown */
	pae_bigfix_breaker_record_failure(breaker, now);
	assert_int_equal(pae_bigfix_breaker_get_state(breaker), PAE_BIGFIX_BREAKER_OPEN);
	assert_false(pae_bigfix_breaker_allow(breaker, now + 30 * G_TIME_SPAN_SECOND, NULL));
	now += G_TIME_SPAN_MINUTE;
	/* a cancelled probe lets the next one through */
	assert_true(pae_bigfix_breaker_allow(breaker, now, NULL));
	pae_bigfix_breaker_record_abandoned(breaker);
	assert_true(pae_bigfix_breaker_allow(breaker, now, NULL));
	pae_bigfix_breaker_record_success(breaker);
	assert_int_equal(pae_bigfix_breaker_get_state(breaker), PAE_BIGFIX_BREAKER_CLOSED);
	assert_true(pae_bigfix_breaker_allow(breaker, now, NULL));

	for (guint i = 0; i < 100; i++)
		pae_bigfix_breaker_record_failure(never, now);
	assert_true(pae_bigfix_breaker_allow(never, now, NULL));
	assert_string_equal(pae_bigfix_breaker_state_to_string(PAE_BIGFIX_BREAKER_HALF_OPEN),
			    "half-open");
}

static void
test_bigfix_request_errors_func(void **state)
{
	const struct {
		glong status;
		PaeError code;
	} statuses[] = {
		{400, PAE_ERROR_BAD_REQUEST},
		{401, PAE_ERROR_AUTH_FAILED},
		{403, PAE_ERROR_PERMISSION_DENIED},
		{404, PAE_ERROR_NOT_FOUND},
		{405, PAE_ERROR_BAD_REQUEST},
		{408, PAE_ERROR_TIMED_OUT},
		{413, PAE_ERROR_TOO_LARGE},
		{429, PAE_ERROR_BUSY},
		{500, PAE_ERROR_SERVER_ERROR},
		{502, PAE_ERROR_SERVER_ERROR},
		{503, PAE_ERROR_BUSY},
		{504, PAE_ERROR_SERVER_ERROR},
		{302, PAE_ERROR_INVALID_DATA},
		{101, PAE_ERROR_INVALID_DATA},
	};
	const struct {
		CURLcode rc;
		PaeError code;
	} codes[] = {
		{CURLE_COULDNT_CONNECT, PAE_ERROR_NOT_REACHABLE},
		{CURLE_COULDNT_RESOLVE_HOST, PAE_ERROR_NOT_REACHABLE},
		{CURLE_RECV_ERROR, PAE_ERROR_NOT_REACHABLE},
		{CURLE_SEND_ERROR, PAE_ERROR_NOT_REACHABLE},
		{CURLE_GOT_NOTHING, PAE_ERROR_NOT_REACHABLE},
		{CURLE_SSL_CONNECT_ERROR, PAE_ERROR_NOT_REACHABLE},
		{CURLE_OPERATION_TIMEDOUT, PAE_ERROR_TIMED_OUT},
		{CURLE_PEER_FAILED_VERIFICATION, PAE_ERROR_AUTH_FAILED},
		{CURLE_SSL_CACERT_BADFILE, PAE_ERROR_AUTH_FAILED},
		{CURLE_PARTIAL_FILE, PAE_ERROR_INVALID_DATA},
		{CURLE_WEIRD_SERVER_REPLY, PAE_ERROR_INVALID_DATA},
		{CURLE_FILESIZE_EXCEEDED, PAE_ERROR_TOO_LARGE},
		{CURLE_ABORTED_BY_CALLBACK, PAE_ERROR_CANCELLED},
		{CURLE_UNSUPPORTED_PROTOCOL, PAE_ERROR_INVALID_CONFIG},
		{CURLE_OUT_OF_MEMORY, PAE_ERROR_INTERNAL},
	};
	static const gchar server_text[] = "XML parsing error: Element 'Target'\n\x01";
	g_autoptr(GBytes) text = g_bytes_new_static(server_text, sizeof(server_text) - 1);
	g_autoptr(GError) bad_request = NULL;
	g_autoptr(GError) empty = NULL;
	g_autoptr(GBytes) huge = NULL;
	g_autoptr(GError) huge_error = NULL;
	g_autofree gchar *huge_text = g_strnfill(100000, 'x');

	for (guint i = 0; i < G_N_ELEMENTS(statuses); i++) {
		g_autoptr(GError) error = NULL;
		pae_bigfix_request_set_status_error(statuses[i].status, NULL, &error);
		assert_error_code(error, statuses[i].code);
	}
	for (guint i = 0; i < G_N_ELEMENTS(codes); i++) {
		g_autoptr(GError) error = NULL;
		pae_bigfix_request_set_curl_error(codes[i].rc, NULL, &error);
		assert_error_code(error, codes[i].code);
	}
	/* the server's text is kept, on one line */
	pae_bigfix_request_set_status_error(400, text, &bad_request);
	assert_string_equal(bad_request->message, "HTTP 400: XML parsing error: Element 'Target'");
	pae_bigfix_request_set_status_error(404, NULL, &empty);
	assert_string_equal(empty->message, "HTTP 404");
	/* and bounded */
	huge = g_bytes_new_static(huge_text, 100000);
	pae_bigfix_request_set_status_error(500, huge, &huge_error);
	assert_true(strlen(huge_error->message) < 400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bigfix_relevance_quote_func),
		cmocka_unit_test(test_bigfix_relevance_catalogue_func),
		cmocka_unit_test(test_bigfix_relevance_hostile_func),
		cmocka_unit_test(test_bigfix_reply_query_func),
		cmocka_unit_test(test_bigfix_reply_query_bad_func),
		cmocka_unit_test(test_bigfix_reply_huge_func),
		cmocka_unit_test(test_bigfix_reply_truncated_func),
		cmocka_unit_test(test_bigfix_reply_computers_func),
		cmocka_unit_test(test_bigfix_reply_uuid_func),
		cmocka_unit_test(test_bigfix_reply_time_func),
		cmocka_unit_test(test_bigfix_reply_patch_info_func),
		cmocka_unit_test(test_bigfix_reply_actions_func),
		cmocka_unit_test(test_bigfix_action_offset_func),
		cmocka_unit_test(test_bigfix_action_single_utc_func),
		cmocka_unit_test(test_bigfix_action_group_local_func),
		cmocka_unit_test(test_bigfix_action_shapes_func),
		cmocka_unit_test(test_bigfix_action_hostile_func),
		cmocka_unit_test(test_bigfix_action_invalid_func),
		cmocka_unit_test(test_bigfix_breaker_func),
		cmocka_unit_test(test_bigfix_request_errors_func),
	};
	return cmocka_run_group_tests_name("bigfix-parse", tests, NULL, NULL);
}
