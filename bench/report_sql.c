/*
 * report_sql: the annual report's SQL, for the sqlite3 shell baseline
 * (make bench, issue 5 and 7).
 *
 *   report_sql --db FILE --year Y
 *
 * Runs the store's own db_report_load() on FILE (read-only) with a trace on
 * its connection, and prints every statement it ran, in order, with its
 * parameters substituted (sqlite3_expanded_sql), each ended by ";". So the
 * file the sqlite3 shell runs holds exactly the statements and values of
 * `nsp report` (src/store/statements.c, section "annual report"): the two
 * cannot drift apart, and a statement added to the report is in the
 * baseline too.
 *
 * It reaches into the store's connection (store_internal.h) only to trace
 * it; it writes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/report.h"
#include "store/store_internal.h"

static const char usage[] =
	"Usage: report_sql --db FILE --year Y\n"
	"Prints the SQL that nsp report runs for year Y, with its values, for the sqlite3 shell.\n"
	"Användning: report_sql --db FIL --year Å\n"
	"Skriver ut den SQL som nsp report kör för år Å, med värdena, för sqlite3-skalet.\n";

struct capture {
	FILE *out;
	int statements;
	int failed;
};

/* SQLITE_TRACE_STMT: one call as each statement starts; prints it expanded. */
static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
	struct capture *c = ctx;
	const char *unexpanded = x;
	char *sql;

	if (type != SQLITE_TRACE_STMT || (unexpanded != NULL && strncmp(unexpanded, "--", 2) == 0))
		return 0; /* "--" marks a trigger's statements, run by their parent */
	sql = sqlite3_expanded_sql((sqlite3_stmt *)p);
	if (sql == NULL) {
		c->failed = 1;
		return 0;
	}
	if (fprintf(c->out, "%s;\n", sql) < 0)
		c->failed = 1;
	c->statements++;
	sqlite3_free(sql);
	return 0;
}

/* The settings the store gives its connections when it opens them, which
 * the trace does not show but which shape the plans (db.c, configure):
 * where temporary b-trees live. Printed as PRAGMAs for the shell. */
static int print_settings(sqlite3 *conn)
{
	static const char *const names[] = { "DEFAULT", "FILE", "MEMORY" };
	sqlite3_stmt *st = NULL;
	int rc = -1, v;

	if (sqlite3_prepare_v2(conn, "PRAGMA temp_store", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && (v = sqlite3_column_int(st, 0)) >= 0 && v <= 2)
		rc = printf("PRAGMA temp_store = %s;\n", names[v]) < 0 ? -1 : 0;
	sqlite3_finalize(st);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "year", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct capture c = { .out = stdout };
	const char *path = NULL;
	char err[DB_ERR_MAX], *end = NULL;
	struct report r;
	struct db *db;
	long year = 0;
	int ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': path = optarg; break;
		case 'y': year = strtol(optarg, &end, 10); break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (path == NULL || end == NULL || *end != '\0' || year < DAY_MIN_YEAR || year > DAY_MAX_YEAR) {
		fputs(usage, stderr);
		return 2;
	}
	if (db_open(&db, path, DB_EXISTING | DB_READONLY, err, sizeof err) != DB_OK) {
		fprintf(stderr, "report_sql: %s\n", err);
		return 1;
	}
	if (print_settings(db->conn) != 0) {
		fprintf(stderr, "report_sql: cannot read the connection's settings\n");
		goto out;
	}
	if (sqlite3_trace_v2(db->conn, SQLITE_TRACE_STMT, on_trace, &c) != SQLITE_OK) {
		fprintf(stderr, "report_sql: cannot trace the connection\n");
		goto out;
	}
	if (db_report_load(db, (int)year, &r) != DB_OK) {
		fprintf(stderr, "report_sql: %s\n", db_errmsg(db));
		goto out;
	}
	sqlite3_trace_v2(db->conn, 0, NULL, NULL);
	if (c.failed || c.statements == 0 || fflush(stdout) != 0) {
		fprintf(stderr, "report_sql: the statements could not be written\n");
		goto out;
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}
