/*
 * Every SQL statement of nsp, indexed by enum stmt (store_internal.h).
 * Values are always bound (?N), never pasted into the text; enum values are
 * bound by their names from src/domain/enums.c. The only SQL outside this
 * table is the schema migration (schema.sql, embedded at build time).
 */
#include "store/store_internal.h"

#define USER_COLS \
	"u.id, u.username, u.password_hash, u.role, u.organisation_id, u.active, u.lang, u.created_at"

/* The latest certification event of o (status, date), for the organisation lists. */
#define ORG_COLS \
	"o.id, o.name, o.kind, o.regions, o.contact, o.created_at, " \
	"(SELECT c.status FROM certifications c WHERE c.organisation_id = o.id " \
	" ORDER BY c.date DESC, c.id DESC LIMIT 1), " \
	"(SELECT c.date FROM certifications c WHERE c.organisation_id = o.id " \
	" ORDER BY c.date DESC, c.id DESC LIMIT 1), o.member"

#define PERSON_COLS \
	"id, code, organisation_id, gender, age_group, birth_year, exploitation, places, " \
	"violence, referral_source, legal_status, sweden_responsible, parent_id, child_role, " \
	"identity IS NOT NULL, exit_on, exit_destination, identity_erased_on, created_at"

#define APP_COLS \
	"id, person_id, organisation_id, type, status, submitted_on, from_day, to_day, units, " \
	"category, basis_kind, basis_actor, basis_reason, basis_reference, basis_actor_kind, " \
	"basis_reason_category, identified, needs_assessment, plan, evaluation, motivation, " \
	"created_by, created_at, housing_region, housing_target_group"

#define DECISION_COLS \
	"id, application_id, person_id, organisation_id, type, outcome, decided_on, year, " \
	"from_day, to_day, units, emergency, emergency_cleared_on, reason, " \
	"budget_override_reason, total_ore, closed_on, decided_by, created_at, approved_by, over_capacity_reason"

#define CLAIM_COLS \
	"c.id, c.decision_id, c.organisation_id, d.person_id, d.type, c.status, c.from_day, c.to_day, " \
	"c.units, c.reference, c.reject_reason, c.amount_ore, c.submitted_on, c.decided_on, " \
	"c.submitted_by, c.decided_by, c.payment_id, c.created_at"

#define CLAIM_FILTER                                                                                      \
	"claims c JOIN decisions d ON d.id = c.decision_id JOIN persons p ON p.id = d.person_id "         \
	"WHERE (?3 = 0 OR c.organisation_id = ?3) AND (?4 IS NULL OR c.status = ?4) "                      \
	"AND (?5 = 0 OR c.decision_id = ?5) AND (?6 IS NULL OR c.submitted_on BETWEEN ?6 AND ?7) "         \
	"AND (?8 IS NULL OR instr(p.code, ?8) > 0) "

#define AUDIT_COLS "id, at, user_id, action, entity, entity_id, detail, prev_hash, hash"

static const char *const sql[ST__COUNT] = {
	/* connection setup and transactions */
	[ST_SCHEMA_PROBE] = "SELECT count(*) FROM sqlite_master",
	[ST_JOURNAL_WAL] = "PRAGMA journal_mode = WAL",
	[ST_SYNC_FULL] = "PRAGMA synchronous = FULL",
	[ST_SYNC_NORMAL] = "PRAGMA synchronous = NORMAL",
	[ST_FOREIGN_KEYS_ON] = "PRAGMA foreign_keys = ON",
	[ST_SECURE_DELETE_ON] = "PRAGMA secure_delete = ON",
	[ST_TEMP_STORE_MEMORY] = "PRAGMA temp_store = MEMORY",
	[ST_QUICK_CHECK] = "PRAGMA quick_check(1)",
	[ST_USER_VERSION] = "PRAGMA user_version",
	[ST_SET_VERSION_1] = "PRAGMA user_version = 1",
	[ST_CHECKPOINT] = "PRAGMA wal_checkpoint(TRUNCATE)",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT nsp_op",
	[ST_RELEASE] = "RELEASE nsp_op",
	[ST_ROLLBACK_TO] = "ROLLBACK TO nsp_op",

	/* audit log */
	[ST_AUDIT_HEAD] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
	[ST_AUDIT_INSERT] =
		"INSERT INTO audit (" AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_AUDIT_ALL] = "SELECT " AUDIT_COLS " FROM audit ORDER BY id",
	[ST_AUDIT_RANGE] = "SELECT " AUDIT_COLS " FROM audit WHERE id BETWEEN ?1 AND ?2 ORDER BY id",

	/* users and sessions */
	[ST_USER_INSERT] =
		"INSERT INTO users (username, password_hash, role, organisation_id, lang, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_USER_GET] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?1",
	[ST_USER_GET_BY_NAME] = "SELECT " USER_COLS " FROM users u WHERE u.username = ?1",
	[ST_USER_LIST] = "SELECT " USER_COLS " FROM users u ORDER BY u.id",
	[ST_USER_SET_ACTIVE] = "UPDATE users SET active = ?2 WHERE id = ?1",
	[ST_USER_SET_LANG] = "UPDATE users SET lang = ?2 WHERE id = ?1",
	[ST_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?2 WHERE id = ?1",
	[ST_SESSION_INSERT] =
		"INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) "
		"VALUES (?1, ?2, ?3, ?4, ?4)",
	[ST_SESSION_GET] =
		"SELECT s.token_hash, s.user_id, s.csrf, s.created_at, s.last_seen, " USER_COLS
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
	[ST_SESSION_TOUCH] = "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
	[ST_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[ST_SESSION_DELETE_USER] = "DELETE FROM sessions WHERE user_id = ?1",
	/* ?1 = now − idle, ?2 = now − absolute */
	[ST_SESSION_DELETE_EXPIRED] = "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",

	/* organisations and certification */
	[ST_ORG_INSERT] =
		"INSERT INTO organisations (name, kind, regions, contact, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_ORG_GET] = "SELECT " ORG_COLS " FROM organisations o WHERE o.id = ?1",
	[ST_ORG_LIST] = "SELECT " ORG_COLS " FROM organisations o ORDER BY o.name, o.id",
	[ST_CERT_INSERT] =
		"INSERT INTO certifications (organisation_id, status, date, requirements, recorded_by, "
		"created_at, checklist_year) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_CERT_LIST] =
		"SELECT id, status, date, requirements, recorded_by, created_at, checklist_year "
		"FROM certifications WHERE organisation_id = ?1 ORDER BY date, id",

	/* The order of registration of a new row of table t (migration 14): its
 * id is random, so the lists sort by seq, which the unique index t_seq
 * makes a one-step lookup and which is never shown. */
#define NEXT_SEQ(t) "(SELECT COALESCE(MAX(seq), 0) + 1 FROM " t ")"

	/* persons */
	[ST_PERSON_INSERT] =
		"INSERT INTO persons (code, organisation_id, gender, age_group, birth_year, "
		"exploitation, places, violence, referral_source, legal_status, sweden_responsible, "
		"parent_id, child_role, created_at, id, seq) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, " NEXT_SEQ("persons") ")",
	[ST_PERSON_SET_IDENTITY] =
		"UPDATE persons SET identity = ?2 WHERE id = ?1 AND identity_erased_on IS NULL",
	[ST_PERSON_GET] = "SELECT " PERSON_COLS " FROM persons WHERE id = ?1",
	[ST_PERSON_IDENTITY] = "SELECT identity FROM persons WHERE id = ?1",
	[ST_PERSON_LIST_ALL] = "SELECT " PERSON_COLS " FROM persons ORDER BY seq LIMIT ?1 OFFSET ?2",
	[ST_PERSON_LIST_ORG] =
		"SELECT " PERSON_COLS " FROM persons WHERE organisation_id = ?3 "
		"ORDER BY seq LIMIT ?1 OFFSET ?2",
	/* The persons list with its filters (db_person_find): ?3 organisation (0 = all),
	 * ?4 a part of the case code (NULL = any), ?5 the age group's name (NULL = any),
	 * ?6 1 in the programme, 0 left it, -1 both. Newest first or oldest first. */
#define PERSON_FILTER                                                                     \
	"WHERE (?3 = 0 OR organisation_id = ?3) AND (?4 IS NULL OR instr(code, ?4) > 0) "   \
	"AND (?5 IS NULL OR age_group = ?5) AND (?6 < 0 OR (exit_on IS NULL) = (?6 = 1)) "
	[ST_PERSON_FIND] = "SELECT " PERSON_COLS " FROM persons " PERSON_FILTER "ORDER BY seq LIMIT ?1 OFFSET ?2",
	[ST_PERSON_FIND_NEWEST] =
		"SELECT " PERSON_COLS " FROM persons " PERSON_FILTER "ORDER BY seq DESC LIMIT ?1 OFFSET ?2",
	[ST_PERSON_FIND_COUNT] = "SELECT count(*) FROM persons " PERSON_FILTER,
	/* The granted periods of ?1 (or of applications naming ?1 as a child) that
	 * end on ?2 or later and were not closed before it, by start: a running
	 * period and those that follow it (db_person_running_period).
	 * ?3 granted, ?4 partly_granted. */
	[ST_PERSON_PERIODS] =
		"SELECT d.type, d.from_day, d.to_day, 0 FROM decisions d "
		"WHERE d.person_id = ?1 AND d.outcome IN (?3, ?4) AND d.to_day >= ?2 "
		"AND d.from_day IS NOT NULL AND (d.closed_on IS NULL OR d.closed_on >= ?2) "
		"UNION ALL "
		"SELECT d.type, d.from_day, d.to_day, 1 FROM application_children c "
		"JOIN decisions d ON d.application_id = c.application_id "
		"WHERE c.child_id = ?1 AND d.outcome IN (?3, ?4) AND d.to_day >= ?2 "
		"AND d.from_day IS NOT NULL AND (d.closed_on IS NULL OR d.closed_on >= ?2) "
		"ORDER BY 2",
	[ST_PERSON_COUNT_ALL] = "SELECT count(*) FROM persons",
	[ST_PERSON_COUNT_ORG] = "SELECT count(*) FROM persons WHERE organisation_id = ?1",
	[ST_PERSON_CHILDREN] = "SELECT " PERSON_COLS " FROM persons WHERE parent_id = ?1 ORDER BY seq",
	[ST_PERSON_SET_EXIT] =
		"UPDATE persons SET exit_on = ?2, exit_destination = ?3 WHERE id = ?1 AND exit_on IS NULL",
	/* Erasing again keeps the first day. */
	[ST_PERSON_ERASE] =
		"UPDATE persons SET identity = NULL, "
		"identity_erased_on = COALESCE(identity_erased_on, ?2) WHERE id = ?1",
	/* ?2, ?3 = the names of granted and partly_granted */
	[ST_PERSON_GRANTED] =
		"SELECT d.id, d.type, d.from_day, d.to_day, d.decided_on, a.category "
		"FROM decisions d JOIN applications a ON a.id = d.application_id "
		"WHERE d.person_id = ?1 AND d.outcome IN (?2, ?3) ORDER BY d.decided_on, d.seq",
	/* R13: the person's undecided admission application (?2 'admission',
	 * ?3 'submitted') and latest denied admission (?4 'denied'), from the
	 * person indexes of applications and decisions. */
	[ST_PERSON_ADMISSION_STATE] =
		"SELECT (SELECT MIN(submitted_on) FROM applications WHERE person_id = ?1 AND type = ?2 AND status = ?3), "
		"(SELECT MAX(decided_on) FROM decisions WHERE person_id = ?1 AND type = ?2 AND outcome = ?4)",

	/* applications */
	[ST_APP_INSERT] =
		"INSERT INTO applications (person_id, organisation_id, type, submitted_on, from_day, "
		"to_day, units, category, basis_kind, basis_actor, basis_reason, basis_reference, "
		"basis_actor_kind, basis_reason_category, identified, needs_assessment, plan, "
		"evaluation, motivation, created_by, created_at, status, id, seq) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
		"?18, ?19, ?20, ?21, ?22, ?23, " NEXT_SEQ("applications") ")",
	[ST_APP_CHILD_INSERT] =
		"INSERT INTO application_children (application_id, child_id) VALUES (?1, ?2)",
	[ST_APP_GET] = "SELECT " APP_COLS " FROM applications WHERE id = ?1",
	[ST_APP_CHILDREN] =
		"SELECT c.child_id FROM application_children c JOIN persons p ON p.id = c.child_id "
		"WHERE c.application_id = ?1 ORDER BY p.seq",
	/* Four forms of one list (db_application_list picks): an "?x = 0 OR"
	 * keeps SQLite from the index of that column, so a person's or a
	 * status's list (the person page, the decision queue) names its column
	 * outright (lead) and reads its index: at 1,900,000 applications a scan
	 * of the table took seconds. */
#define APP_FILTER(lead)                                                                 \
	"WHERE " lead " AND (?1 IS NULL OR status = ?1) "                                   \
	"AND (?2 = 0 OR organisation_id = ?2) AND (?3 = 0 OR person_id = ?3) "              \
	"AND (?6 IS NULL OR person_id IN (SELECT id FROM persons WHERE instr(code, ?6) > 0)) " \
	"AND (?7 IS NULL OR submitted_on BETWEEN ?7 AND ?8) "
	/* ?6 a part of the case code, ?7..?8 the days of the year submitted in */
#define APP_LIST(lead, order) \
	"SELECT " APP_COLS " FROM applications " APP_FILTER(lead) "ORDER BY seq " order " LIMIT ?4 OFFSET ?5"
	[ST_APP_LIST] = APP_LIST("1", "ASC"),
	[ST_APP_LIST_BY_PERSON] = APP_LIST("person_id = ?3", "ASC"),
	[ST_APP_LIST_BY_STATUS] = APP_LIST("status = ?1", "ASC"),
	[ST_APP_LIST_BY_ORG] = APP_LIST("organisation_id = ?2", "ASC"),
	[ST_APP_LIST_NEWEST] = APP_LIST("1", "DESC"),
	[ST_APP_LIST_BY_PERSON_NEWEST] = APP_LIST("person_id = ?3", "DESC"),
	[ST_APP_LIST_BY_STATUS_NEWEST] = APP_LIST("status = ?1", "DESC"),
	[ST_APP_LIST_BY_ORG_NEWEST] = APP_LIST("organisation_id = ?2", "DESC"),
	/* The same filters counted (?4 and ?5 are left unbound). */
#define APP_COUNT(lead) "SELECT count(*) FROM applications " APP_FILTER(lead)
	[ST_APP_COUNT] = APP_COUNT("1"),
	[ST_APP_COUNT_BY_PERSON] = APP_COUNT("person_id = ?3"),
	[ST_APP_COUNT_BY_STATUS] = APP_COUNT("status = ?1"),
	[ST_APP_COUNT_BY_ORG] = APP_COUNT("organisation_id = ?2"),
	/* Moves an application from status ?3 to ?2; no change when it is not in ?3. */
	[ST_APP_SET_STATUS] = "UPDATE applications SET status = ?2 WHERE id = ?1 AND status = ?3",

	/* decisions, payments, ledger */
	[ST_DECISION_INSERT] =
		"INSERT INTO decisions (application_id, person_id, organisation_id, type, outcome, "
		"decided_on, year, from_day, to_day, units, emergency, reason, budget_override_reason, "
		"total_ore, decided_by, created_at, approved_by, over_capacity_reason, id, seq) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
		NEXT_SEQ("decisions") ")",
	[ST_DECISION_LINE_INSERT] =
		"INSERT INTO decision_lines (decision_id, code, person_id, days, amount_ore) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_DECISION_GET] = "SELECT " DECISION_COLS " FROM decisions WHERE id = ?1",
	[ST_DECISION_BY_APP] = "SELECT " DECISION_COLS " FROM decisions WHERE application_id = ?1",
	[ST_DECISION_LINES] =
		"SELECT code, person_id, days, amount_ore FROM decision_lines "
		"WHERE decision_id = ?1 ORDER BY id",
	[ST_DECISION_PAID] = "SELECT COALESCE(SUM(amount_ore), 0) FROM payments WHERE decision_id = ?1",
	/* ?2 = the name of the release kind */
	[ST_DECISION_RELEASED] =
		"SELECT COALESCE(SUM(amount_ore), 0) FROM ledger WHERE decision_id = ?1 AND kind = ?2",
	/* ?4: 1 open only, 0 closed only, -1 both; ?7 = 1: emergency decisions
	 * (R2e) whose responsible actor is not clarified yet only */
	/* ?8 (enum db_decision_state): 1 open (not closed, something to pay), 2 closed,
	 * 3 nothing to pay (not closed, 0 kr), 0 every state; ?9 a part of the case code; ?10..?11 the
	 * days a granted period ends between (?12, ?13 granted and partly_granted) */
#define DECISION_FILTER(lead)                                                            \
	"WHERE " lead " AND (?1 = 0 OR organisation_id = ?1) AND (?2 = 0 OR person_id = ?2) " \
	"AND (?3 = 0 OR year = ?3) AND (?4 < 0 OR (closed_on IS NULL) = (?4 = 1)) "         \
	"AND (?7 = 0 OR (emergency <> 0 AND emergency_cleared_on IS NULL)) "               \
	"AND (?8 = 0 OR (?8 = 1 AND closed_on IS NULL AND total_ore > 0) "                  \
	"OR (?8 = 2 AND closed_on IS NOT NULL) OR (?8 = 3 AND closed_on IS NULL AND total_ore = 0)) " \
	"AND (?9 IS NULL OR person_id IN (SELECT id FROM persons WHERE instr(code, ?9) > 0)) " \
	"AND (?10 IS NULL OR (to_day BETWEEN ?10 AND ?11 AND outcome IN (?12, ?13) "        \
	"AND closed_on IS NULL)) "
	/* An organisation's list (a caseworker's) names its column and reads its index. */
#define DECISION_LIST(lead, order)                                                       \
	"SELECT " DECISION_COLS " FROM decisions " DECISION_FILTER(lead)                    \
	"ORDER BY seq " order " LIMIT ?5 OFFSET ?6"
	[ST_DECISION_LIST] = DECISION_LIST("1", "ASC"),
	[ST_DECISION_LIST_NEWEST] = DECISION_LIST("1", "DESC"),
	[ST_DECISION_LIST_ORG] = DECISION_LIST("organisation_id = ?1", "ASC"),
	[ST_DECISION_LIST_ORG_NEWEST] = DECISION_LIST("organisation_id = ?1", "DESC"),
	/* The same filters counted (?5 and ?6 are left unbound). */
	[ST_DECISION_COUNT] = "SELECT count(*) FROM decisions " DECISION_FILTER("1"),
	[ST_DECISION_COUNT_ORG] = "SELECT count(*) FROM decisions " DECISION_FILTER("organisation_id = ?1"),
	[ST_DECISION_SET_CLOSED] =
		"UPDATE decisions SET closed_on = ?2 WHERE id = ?1 AND closed_on IS NULL",
	/* R2e: no change unless the decision is an emergency one still flagged. */
	[ST_DECISION_SET_EMERGENCY_CLEARED] =
		"UPDATE decisions SET emergency_cleared_on = ?2 "
		"WHERE id = ?1 AND emergency <> 0 AND emergency_cleared_on IS NULL",
	[ST_LEDGER_INSERT] =
		"INSERT INTO ledger (year, decision_id, kind, amount_ore, on_day, payment_id, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_PAYMENT_INSERT] =
		"INSERT INTO payments (decision_id, amount_ore, paid_on, reference, created_by, created_at, id, seq) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " NEXT_SEQ("payments") ")",
	[ST_PAYMENT_LIST] =
		"SELECT id, decision_id, amount_ore, paid_on, reference, created_by, created_at "
		"FROM payments WHERE decision_id = ?1 ORDER BY paid_on, seq",

	/* years, budgets, rates */
	[ST_YEAR_UPSERT] =
		"INSERT INTO years (year, budget_ore, four_eyes_ore) VALUES (?1, ?2, ?3) "
		"ON CONFLICT (year) DO UPDATE SET budget_ore = excluded.budget_ore, "
		"four_eyes_ore = excluded.four_eyes_ore",
	[ST_RATES_DELETE] = "DELETE FROM rates WHERE year = ?1",
	[ST_POINT_RATES_DELETE] = "DELETE FROM point_rates WHERE year = ?1",
	[ST_RATE_INSERT] = "INSERT INTO rates (year, code, rate_ore) VALUES (?1, ?2, ?3)",
	[ST_POINT_RATE_INSERT] =
		"INSERT INTO point_rates (year, category, unit, rate_ore) VALUES (?1, ?2, ?3, ?4)",
	[ST_YEAR_GET] = "SELECT budget_ore FROM years WHERE year = ?1",
	/* The running totals of migration 4, kept by a trigger on ledger: the same
	 * figures as SUM(amount_ore) over the year's rows, without reading them. */
	[ST_LEDGER_SUMS] = "SELECT kind, amount_ore FROM ledger_totals WHERE year = ?1",
	[ST_RATE_YEARS] = "SELECT year FROM rates UNION SELECT year FROM point_rates ORDER BY year",
	[ST_RATES_OF_YEAR] = "SELECT code, rate_ore FROM rates WHERE year = ?1",
	[ST_POINT_RATES_OF_YEAR] = "SELECT category, unit, rate_ore FROM point_rates WHERE year = ?1",

	/* placement requests and consultations */
	[ST_PLACEMENT_INSERT] =
		"INSERT INTO placement_requests (date, region, target_group, outcome, organisation_id, "
		"created_by, created_at, id, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		NEXT_SEQ("placement_requests") ")",
	[ST_PLACEMENT_LIST] =
		"SELECT id, date, region, target_group, outcome, organisation_id, created_by, created_at "
		"FROM placement_requests WHERE date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR region = ?3) "
		"ORDER BY date, seq",
	[ST_CONSULTATION_INSERT] =
		"INSERT INTO consultations (date, asker, region, topic, minutes, outcome, created_by, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_CONSULTATION_LIST] =
		"SELECT id, date, asker, region, topic, minutes, outcome, created_by, created_at "
		"FROM consultations WHERE date BETWEEN ?1 AND ?2 ORDER BY date, id",

	/* ---- annual report: aggregate queries go here ----
	 * Add the names to the matching section of enum stmt in
	 * store_internal.h and the functions that run them in
	 * src/store/report.c. Same rules: every value bound, enum values by name. */

	/*
	 * The annual report (src/store/report.c, domain.md §10). Every report
	 * statement numbers its parameters alike: ?1, ?2 the first and last
	 * day of the year, ?3 'granted', ?4 'partly_granted', ?5 'child',
	 * ?6 'secondary', ?7 'elsewhere', ?8 'admission', ?9 'reflection',
	 * ?10 the year, ?11 'commit', ?12 'adult'. Each query is one GROUP BY
	 * over the whole year; report.c adds up the groups.
	 *
	 * The decisions of the year are found from two covering indexes
	 * (migration 5), one per half of "made in the year, or granted with a
	 * period overlapping it", so that none is read from the table. The
	 * second half leaves out what the first found, which only saves rows:
	 * what is counted is persons, taken apart by UNION.
	 */
/* The age group in the year (domain.md §5: derived from the birth year when
 * it is known, else as given). */
#define REPORT_AGE(p)                                                                    \
	"CASE WHEN " p ".birth_year IS NULL THEN " p ".age_group "                         \
	"WHEN ?10 - " p ".birth_year < 18 THEN ?5 ELSE ?12 END"
/* Columns cols of the decisions made in the year that also meet cond
 * (e.g. "1"), then of the granted ones made in another year whose period
 * overlaps it. */
#define REPORT_YEAR_DECISIONS(cols, cond)                                               \
	"SELECT " cols " FROM decisions WHERE decided_on BETWEEN ?1 AND ?2 AND " cond       \
	" UNION ALL SELECT " cols " FROM decisions WHERE to_day >= ?1 AND from_day <= ?2 "  \
	"AND outcome IN (?3, ?4) AND decided_on NOT BETWEEN ?1 AND ?2 AND " cond
	[ST_REPORT_BEGIN] = "BEGIN DEFERRED",
	/* The ids of the persons covered in the year, as ST_REPORT_PERSONS counts
	 * them: for the distinct persons among them (issue 19). */
	[ST_REPORT_COVERED_IDS] =
		"WITH yd(person_id, application_id) AS MATERIALIZED ("
		REPORT_YEAR_DECISIONS("person_id, application_id", "1") "), "
		"own(id) AS ("
		" SELECT person_id FROM yd UNION SELECT ac.child_id FROM yd "
		" JOIN application_children ac ON ac.application_id = yd.application_id) "
		"SELECT id FROM own UNION SELECT c.id FROM persons c JOIN own o ON o.id = c.parent_id "
		" WHERE c.age_group = ?5 AND c.child_role IN (?6, ?7)",
	/* The persons covered in the year: everyone a decision of the year
	 * concerns (denials too; its person and the children named on its
	 * application), and the secondary and elsewhere children of those;
	 * grouped by age, gender, role (1 secondary child, 2 child elsewhere,
	 * 0 primary) and exploitation forms, which gives both the coverage and
	 * the exploitation tables. */
	[ST_REPORT_PERSONS] =
		"WITH yd(person_id, application_id) AS MATERIALIZED ("
		REPORT_YEAR_DECISIONS("person_id, application_id", "1") "), "
		"own(id) AS ("
		" SELECT person_id FROM yd UNION SELECT ac.child_id FROM yd "
		" JOIN application_children ac ON ac.application_id = yd.application_id), "
		"covered(id) AS ("
		" SELECT id FROM own UNION SELECT c.id FROM persons c JOIN own o ON o.id = c.parent_id "
		" WHERE c.age_group = ?5 AND c.child_role IN (?6, ?7)) "
		"SELECT " REPORT_AGE("p") ", p.gender, "
		"CASE WHEN " REPORT_AGE("p") " = ?5 AND p.child_role = ?6 THEN 1 "
		"     WHEN " REPORT_AGE("p") " = ?5 AND p.child_role = ?7 THEN 2 ELSE 0 END, "
		"p.exploitation, COUNT(*) "
		"FROM covered c JOIN persons p ON p.id = c.id GROUP BY 1, 2, 3, 4",
	/* Recipients per code: the person of each granted decision in effect
	 * (its type is its code), and the children named on its application
	 * under its other line's code, the child supplement (R7); with the
	 * referral source of the reflection recipients (the persons of the
	 * reflection decisions: a child named gets the child code). CROSS JOIN
	 * keeps SQLite to this order: most applications name no child, so
	 * looking for children first spares a lookup of every decision's lines. */
	[ST_REPORT_INTERVENTIONS] =
		"WITH eff(id, application_id, person_id, type) AS MATERIALIZED ("
		REPORT_YEAR_DECISIONS("id, application_id, person_id, type",
				      "outcome IN (?3, ?4) AND type <> ?8") "), "
		"recv(person_id, code) AS ("
		" SELECT person_id, type FROM eff "
		" UNION SELECT ac.child_id, l.code FROM eff e "
		" CROSS JOIN application_children ac ON ac.application_id = e.application_id "
		" CROSS JOIN decision_lines l ON l.decision_id = e.id AND l.code <> e.type) "
		"SELECT r.code, " REPORT_AGE("p") ", p.gender, "
		"CASE WHEN r.code = ?9 THEN p.referral_source END, COUNT(*) "
		"FROM recv r JOIN persons p ON p.id = r.person_id GROUP BY 1, 2, 3, 4",
	/* Budget, what the year's decisions committed (the ledger's totals,
	 * migration 4, which R10 checks against) and what was paid in it (the
	 * payments themselves, which report_check holds the totals per code
	 * against). */
	[ST_REPORT_MONEY] =
		"SELECT (SELECT budget_ore FROM years WHERE year = ?10), "
		"(SELECT COALESCE(SUM(amount_ore), 0) FROM ledger_totals WHERE year = ?10 AND kind = ?11), "
		"(SELECT COALESCE(SUM(amount_ore), 0) FROM payments WHERE paid_on BETWEEN ?1 AND ?2)",
	/* The year's payments by the code of their lines (a child supplement
	 * under its *_child code): from the totals the payment lines' trigger
	 * keeps (migrations 5 and 9). */
	[ST_REPORT_PAID_BY_CODE] =
		"SELECT code, SUM(amount_ore) FROM payment_totals WHERE paid_on BETWEEN ?1 AND ?2 "
		"GROUP BY code",
	[ST_REPORT_DECISIONS] =
		"SELECT outcome, COUNT(*), COALESCE(SUM(emergency <> 0), 0) FROM decisions "
		"WHERE decided_on BETWEEN ?1 AND ?2 GROUP BY outcome",
	[ST_REPORT_PLACEMENTS] =
		"SELECT outcome, COUNT(*) FROM placement_requests WHERE date BETWEEN ?1 AND ?2 "
		"GROUP BY outcome",
	[ST_REPORT_CONSULTATIONS] = "SELECT COUNT(*) FROM consultations WHERE date BETWEEN ?1 AND ?2",
	/* Applications submitted in the year by basis (R2), with the refusing
	 * actor's kind and the reason category of a public actor's denial. */
	[ST_REPORT_BASIS] =
		"SELECT basis_kind, basis_actor_kind, basis_reason_category, COUNT(*) FROM applications "
		"WHERE submitted_on BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3",
	/* ---- end of the annual report's section ---- */

	/* ---- web pages (src/store/pages.c) ---- */
/* A decision with its person's code and what was paid on it. */
#define PAGE_DECISION_COLS                                                               \
	"d.id, d.application_id, d.person_id, d.organisation_id, p.code, d.type, "        \
	"d.decided_on, d.from_day, d.to_day, d.total_ore, "                               \
	"(SELECT COALESCE(SUM(x.amount_ore), 0) FROM payments x WHERE x.decision_id = d.id)"
	/* ?1 organisation (0 = all), ?2..?3 the end days, ?4 granted, ?5 partly_granted,
	 * ?6 denied: periods ending without a following application that may extend them. */
	[ST_PAGE_PERIODS_ENDING] =
		"SELECT " PAGE_DECISION_COLS " FROM decisions d JOIN persons p ON p.id = d.person_id "
		"WHERE (?1 = 0 OR d.organisation_id = ?1) AND d.outcome IN (?4, ?5) "
		"AND d.to_day BETWEEN ?2 AND ?3 AND p.exit_on IS NULL "
		"AND NOT EXISTS (SELECT 1 FROM applications a LEFT JOIN decisions n ON n.application_id = a.id "
		" WHERE a.person_id = d.person_id AND a.from_day > d.to_day AND (n.id IS NULL OR n.outcome <> ?6)) "
		"ORDER BY d.to_day, d.seq",
	/* Open decisions with money and no payment yet, oldest first: the
	 * partial index decisions_unclaimed holds exactly these (migration 6). */
	[ST_PAGE_UNCLAIMED] =
		"SELECT " PAGE_DECISION_COLS " FROM decisions d JOIN persons p ON p.id = d.person_id "
		"WHERE (?1 = 0 OR d.organisation_id = ?1) AND d.closed_on IS NULL AND d.total_ore > 0 "
		"AND d.first_paid_on IS NULL "
		"AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.decision_id = d.id AND c.status = 'submitted') "
		"ORDER BY d.decided_on, d.seq",
	[ST_PAGE_LEDGER_DAYS] =
		"SELECT kind, on_day, SUM(amount_ore) FROM ledger WHERE year = ?1 "
		"GROUP BY kind, on_day ORDER BY on_day",
	[ST_PAGE_PERSON_CODE] = "SELECT code, organisation_id FROM persons WHERE id = ?1",
	/* ---- end of the web pages' section ---- */

	/* ---- organisations: certification, follow-up, capacity, four-eyes (migration 2) ---- */
	[ST_SET_VERSION_2] = "PRAGMA user_version = 2",
	/* The checklist year in force for ?1: its own, the latest earlier, else the earliest. */
	[ST_CERT_REQ_YEAR] =
		"SELECT COALESCE((SELECT MAX(year) FROM cert_requirements WHERE year <= ?1), "
		"(SELECT MIN(year) FROM cert_requirements))",
	[ST_CERT_REQ_OF_YEAR] =
		"SELECT key, label_sv, label_en, required FROM cert_requirements WHERE year = ?1 "
		"ORDER BY position, key",
	[ST_CERT_REQ_DELETE] = "DELETE FROM cert_requirements WHERE year = ?1",
	[ST_CERT_REQ_INSERT] =
		"INSERT INTO cert_requirements (year, key, position, label_sv, label_en, required) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_CERT_REQ_YEARS] = "SELECT DISTINCT year FROM cert_requirements ORDER BY year",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
	[ST_SETTING_PUT] =
		"INSERT INTO settings (key, value) VALUES (?1, ?2) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_FOLLOW_UP_INSERT] =
		"INSERT INTO follow_ups (kind, date, notes, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_FOLLOW_UP_ORG_INSERT] =
		"INSERT INTO follow_up_organisations (follow_up_id, organisation_id) VALUES (?1, ?2)",
	/* ?1..?2 the days, ?3 an organisation (0 = all) */
	[ST_FOLLOW_UP_LIST] =
		"SELECT f.id, f.kind, f.date, f.notes, f.created_by, f.created_at FROM follow_ups f "
		"WHERE f.date BETWEEN ?1 AND ?2 AND (?3 = 0 OR EXISTS (SELECT 1 FROM follow_up_organisations x "
		" WHERE x.follow_up_id = f.id AND x.organisation_id = ?3)) ORDER BY f.date DESC, f.id DESC",
	[ST_FOLLOW_UP_ORGS] =
		"SELECT organisation_id FROM follow_up_organisations WHERE follow_up_id = ?1 "
		"ORDER BY organisation_id",
	[ST_CAPACITY_DELETE] = "DELETE FROM capacity WHERE organisation_id = ?1",
	[ST_CAPACITY_INSERT] =
		"INSERT INTO capacity (organisation_id, region, target_group, places) VALUES (?1, ?2, ?3, ?4)",
	[ST_CAPACITY_LIST] =
		"SELECT organisation_id, region, target_group, places FROM capacity "
		"WHERE (?1 = 0 OR organisation_id = ?1) ORDER BY organisation_id, region, target_group",
	/* Persons housed on day ?1 per organisation, region and target group: a
	 * granted (?2, ?3) daily-compensation (?4..?6) period covers the day, the
	 * person has not left before it and the decision was not closed before it. */
	[ST_OCCUPANCY] =
		"SELECT d.organisation_id, a.housing_region, a.housing_target_group, COUNT(DISTINCT d.person_id) "
		"FROM decisions d JOIN applications a ON a.id = d.application_id "
		"JOIN persons p ON p.id = d.person_id "
		"WHERE d.type IN (?4, ?5, ?6) AND d.from_day <= ?1 AND d.to_day >= ?1 AND d.outcome IN (?2, ?3) "
		"AND (p.exit_on IS NULL OR p.exit_on >= ?1) AND (d.closed_on IS NULL OR d.closed_on >= ?1) "
		"GROUP BY 1, 2, 3",
	[ST_APP_SET_HOUSING] =
		"UPDATE applications SET housing_region = ?2, housing_target_group = ?3 WHERE id = ?1",
	[ST_YEAR_FOUR_EYES] = "SELECT four_eyes_ore FROM years WHERE year = ?1",
#define PROPOSAL_COLS \
	"id, application_id, status, outcome, decided_on, from_day, to_day, units, emergency, reason, " \
	"budget_override_reason, total_ore, threshold_ore, proposed_by, created_at, resolved_by, " \
	"resolved_at, resolution_reason, decision_id, over_capacity_reason"
	[ST_PROPOSAL_INSERT] =
		"INSERT INTO decision_proposals (application_id, status, outcome, decided_on, from_day, to_day, "
		"units, emergency, reason, budget_override_reason, total_ore, threshold_ore, proposed_by, "
		"created_at, over_capacity_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
		"?15)",
	[ST_PROPOSAL_GET] = "SELECT " PROPOSAL_COLS " FROM decision_proposals WHERE id = ?1",
	[ST_PROPOSAL_LIST] =
		"SELECT " PROPOSAL_COLS " FROM decision_proposals WHERE (?1 IS NULL OR status = ?1) ORDER BY id",
	/* ?2 the new status, ?3 'pending': only a pending proposal is resolved. */
	[ST_PROPOSAL_RESOLVE] =
		"UPDATE decision_proposals SET status = ?2, resolved_by = ?4, resolved_at = ?5, "
		"resolution_reason = ?6, decision_id = ?7 WHERE id = ?1 AND status = ?3",
	[ST_PROPOSAL_PENDING_OF_APP] =
		"SELECT id FROM decision_proposals WHERE application_id = ?1 AND status = ?2",
	/* ---- end of the organisations' section ---- */

	/* ---- second factor: TOTP, recovery codes, login challenges (src/store/totp.c) ---- */
	[ST_SET_VERSION_3] = "PRAGMA user_version = 3",
	[ST_TOTP_GET] =
		"SELECT secret, confirmed_at, last_step, "
		"(SELECT count(*) FROM recovery_codes r WHERE r.user_id = ?1 AND r.used_at IS NULL) "
		"FROM user_totp WHERE user_id = ?1",
	/* A pending secret is replaced; a confirmed one is not (no row changes: DB_CONFLICT). */
	[ST_TOTP_BEGIN] =
		"INSERT INTO user_totp (user_id, secret, created_at) VALUES (?1, ?2, ?3) "
		"ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, "
		"last_step = -1 WHERE user_totp.confirmed_at IS NULL",
	[ST_TOTP_CONFIRM] =
		"UPDATE user_totp SET confirmed_at = ?2, last_step = ?3 WHERE user_id = ?1 AND confirmed_at IS NULL",
	/* Compare and set in one statement: of two logins with the same code, one changes the row. */
	[ST_TOTP_USE_STEP] =
		"UPDATE user_totp SET last_step = ?2 "
		"WHERE user_id = ?1 AND confirmed_at IS NOT NULL AND last_step < ?2",
	[ST_TOTP_DELETE] = "DELETE FROM user_totp WHERE user_id = ?1",
	[ST_RECOVERY_INSERT] = "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
	[ST_RECOVERY_USE] =
		"UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
	[ST_RECOVERY_DELETE_USER] = "DELETE FROM recovery_codes WHERE user_id = ?1",
	[ST_CHALLENGE_INSERT] =
		"INSERT INTO login_challenges (token_hash, user_id, created_at) VALUES (?1, ?2, ?3)",
	[ST_CHALLENGE_GET] = "SELECT user_id, created_at, attempts FROM login_challenges WHERE token_hash = ?1",
	[ST_CHALLENGE_FAIL] = "UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = ?1",
	[ST_CHALLENGE_DELETE] = "DELETE FROM login_challenges WHERE token_hash = ?1",
	[ST_CHALLENGE_DELETE_SPENT] = "DELETE FROM login_challenges WHERE token_hash = ?1 AND attempts >= ?2",
	[ST_CHALLENGE_DELETE_USER] = "DELETE FROM login_challenges WHERE user_id = ?1",
	[ST_CHALLENGE_DELETE_EXPIRED] = "DELETE FROM login_challenges WHERE created_at < ?1",
	/* ---- end of the second factor's section ---- */

	/* ---- a large database: ledger totals, the report's indexes (migration 4) ---- */
	[ST_SET_VERSION_4] = "PRAGMA user_version = 4",
	[ST_SET_VERSION_5] = "PRAGMA user_version = 5",
	[ST_SET_VERSION_6] = "PRAGMA user_version = 6",
	[ST_SET_VERSION_7] = "PRAGMA user_version = 7",
	/* R15: the granted (?5, ?6) housing (?7..?9) periods of organisation ?1
	 * at region ?2 and target group ?3 overlapping ?4..?10, each cut at the
	 * person's exit and the decision's closing (domain.md R15). */
	[ST_PLACE_STAYS] =
		"SELECT d.from_day, MIN(d.to_day, COALESCE(p.exit_on, d.to_day), COALESCE(d.closed_on, d.to_day)) "
		"FROM decisions d JOIN applications a ON a.id = d.application_id JOIN persons p ON p.id = d.person_id "
		"WHERE d.organisation_id = ?1 AND d.to_day >= ?4 AND d.from_day <= ?10 AND d.outcome IN (?5, ?6) "
		"AND d.type IN (?7, ?8, ?9) AND a.housing_region = ?2 AND a.housing_target_group = ?3",
	/* The funder's capacity: persons housed on at least one day of ?1..?2
	 * per region and target group, as ST_OCCUPANCY counts a day. */
	[ST_OCCUPANCY_RANGE] =
		"SELECT a.housing_region, a.housing_target_group, COUNT(DISTINCT d.person_id) "
		"FROM decisions d JOIN applications a ON a.id = d.application_id "
		"JOIN persons p ON p.id = d.person_id "
		"WHERE d.type IN (?5, ?6, ?7) AND d.from_day <= ?2 AND d.to_day >= ?1 AND d.outcome IN (?3, ?4) "
		"AND (p.exit_on IS NULL OR p.exit_on >= ?1) AND (d.closed_on IS NULL OR d.closed_on >= ?1) "
		"AND MAX(d.from_day, ?1) <= MIN(d.to_day, ?2, COALESCE(p.exit_on, ?2), COALESCE(d.closed_on, ?2)) "
		"GROUP BY 1, 2",
	[ST_PLACE_PLACES] =
		"SELECT places FROM capacity WHERE organisation_id = ?1 AND region = ?2 AND target_group = ?3",
	[ST_SET_VERSION_10] = "PRAGMA user_version = 10",
	[ST_REFUSAL_INSERT] =
		"INSERT INTO decision_refusals (decision_id, position, rule, message_sv, message_en) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_REFUSAL_LIST] =
		"SELECT rule, message_sv, message_en FROM decision_refusals WHERE decision_id = ?1 ORDER BY position",
	/* e-mail notices (migration 11) */
	[ST_SET_VERSION_11] = "PRAGMA user_version = 11",
	[ST_SET_VERSION_13] = "PRAGMA user_version = 13",
	/* the contact register (migration 13, contacts.c) */
	[ST_ORG_SET_MEMBER] = "UPDATE organisations SET member = ?2 WHERE id = ?1",
	[ST_CONTACT_INSERT] =
		"INSERT INTO contacts (organisation_id, date, gender, age_group, exploitation, region, "
		"referral_source, missing_support, basis, actor_kind, reason_category, created_by, created_at, id, seq) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, " NEXT_SEQ("contacts") ")",
#define CONTACT_COLS                                                                        \
	"id, organisation_id, date, gender, age_group, exploitation, region, referral_source, " \
	"missing_support, basis, actor_kind, reason_category, created_by, created_at "
	[ST_CONTACT_GET] = "SELECT " CONTACT_COLS "FROM contacts WHERE id = ?1",
	/* The contacts list (db_contact_find): ?3 organisation (0 = all), ?4..?5 the
	 * days (NULL = open), ?6 gender, ?7 age group, ?8 region (NULL = any). */
#define CONTACT_FILTER                                                                      \
	"WHERE (?3 = 0 OR organisation_id = ?3) AND (?4 IS NULL OR date >= ?4) "               \
	"AND (?5 IS NULL OR date <= ?5) AND (?6 IS NULL OR gender = ?6) "                      \
	"AND (?7 IS NULL OR age_group = ?7) AND (?8 IS NULL OR region = ?8) "
	[ST_CONTACT_FIND] =
		"SELECT " CONTACT_COLS "FROM contacts " CONTACT_FILTER "ORDER BY date DESC, seq DESC LIMIT ?1 OFFSET ?2",
	[ST_CONTACT_FIND_OLDEST] =
		"SELECT " CONTACT_COLS "FROM contacts " CONTACT_FILTER "ORDER BY date, seq LIMIT ?1 OFFSET ?2",
	[ST_CONTACT_FIND_COUNT] = "SELECT count(*) FROM contacts " CONTACT_FILTER,
	[ST_CONTACT_YEAR] = "SELECT " CONTACT_COLS "FROM contacts WHERE date BETWEEN ?1 AND ?2 ORDER BY date, seq",
	/* The persons admitted (an admission granted) by the end of the report's
	 * year, by id (report.c's shared parameters: ?2 last day, ?3 granted,
	 * ?8 admission; the others are bound and unused). */
	[ST_REPORT_ADMITTED_BY] =
		"SELECT DISTINCT person_id FROM decisions WHERE type = ?8 AND outcome = ?3 AND decided_on <= ?2 "
		"AND ?1 IS NOT NULL AND ?4 IS NOT NULL AND ?5 IS NOT NULL AND ?6 IS NOT NULL AND ?7 IS NOT NULL "
		"ORDER BY person_id",
	[ST_ORG_SET_CONTACT_EMAIL] = "UPDATE organisations SET contact_email = ?2 WHERE id = ?1",
	[ST_ORG_CONTACT_EMAIL] = "SELECT COALESCE(contact_email, '') FROM organisations WHERE id = ?1",
	[ST_USER_SET_NOTIFY] = "UPDATE users SET email = ?2, notify = ?3 WHERE id = ?1",
	[ST_USER_NOTIFY] = "SELECT COALESCE(email, ''), notify FROM users WHERE id = ?1",
	/* The organisation's contact (in Swedish) and its active users who chose to be notified. */
	[ST_RECIPIENTS_ORG] =
		"SELECT contact_email, 'sv' FROM organisations WHERE id = ?1 AND COALESCE(contact_email, '') <> '' "
		"UNION ALL SELECT email, lang FROM users WHERE organisation_id = ?1 AND active = 1 AND notify = 1 "
		"AND COALESCE(email, '') <> ''",
	[ST_RECIPIENTS_COORD] =
		"SELECT email, lang FROM users WHERE role = ?1 AND active = 1 AND notify = 1 AND COALESCE(email, '') <> '' "
		"ORDER BY id",
	[ST_OUTBOX_INSERT] =
		"INSERT OR IGNORE INTO outbox (kind, recipient, lang, subject, body, decision_id, dedupe, created_at, "
		"next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
#define OUTBOX_COLS "id, kind, recipient, lang, subject, body, decision_id, created_at, attempts, " \
	"next_attempt_at, last_error, sent_at, dedupe"
	[ST_OUTBOX_DUE] =
		"SELECT " OUTBOX_COLS " FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?1 "
		"ORDER BY next_attempt_at, id LIMIT ?2",
	/* ?1 = 1: unsent only; newest first */
	[ST_OUTBOX_LIST] =
		"SELECT " OUTBOX_COLS " FROM outbox WHERE (?1 = 0 OR sent_at IS NULL) ORDER BY id DESC LIMIT ?2",
	[ST_OUTBOX_SENT] = "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL "
			   "WHERE id = ?1 AND sent_at IS NULL",
	[ST_OUTBOX_FAILED] = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3 "
			     "WHERE id = ?1 AND sent_at IS NULL",
	[ST_OUTBOX_RETRY] = "UPDATE outbox SET next_attempt_at = ?1 WHERE sent_at IS NULL",
	/* The retention run's candidates (R12), from the partial index persons_exit_identity. */
	[ST_PERSON_EXITS_WITH_IDENTITY] =
		"SELECT id, exit_on FROM persons WHERE identity IS NOT NULL AND exit_on IS NOT NULL "
		"ORDER BY exit_on, seq",
	/* ---- end of the large database's section ---- */

	/* ---- four eyes on the control itself (migration 8, src/store/changes.c) ---- */
	[ST_SET_VERSION_8] = "PRAGMA user_version = 8",
#define CHANGE_COLS \
	"id, kind, target_id, payload, status, proposed_by, created_at, resolved_by, resolved_at, " \
	"resolution_reason, result_id"
	[ST_CHANGE_INSERT] =
		"INSERT INTO change_proposals (kind, target_id, payload, status, proposed_by, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_CHANGE_GET] = "SELECT " CHANGE_COLS " FROM change_proposals WHERE id = ?1",
	[ST_CHANGE_LIST] =
		"SELECT " CHANGE_COLS " FROM change_proposals WHERE (?1 IS NULL OR status = ?1) ORDER BY id",
	/* ?3 'pending': only a pending proposal is resolved. */
	[ST_CHANGE_RESOLVE] =
		"UPDATE change_proposals SET status = ?2, resolved_by = ?4, resolved_at = ?5, "
		"resolution_reason = ?6, result_id = ?7 WHERE id = ?1 AND status = ?3",
	[ST_FOUR_EYES_ANY] = "SELECT EXISTS (SELECT 1 FROM years WHERE four_eyes_ore IS NOT NULL)",
	/* ---- end of the four eyes' section ---- */
	/* ---- claims and payments by line (migration 9, src/store/claims.c) ---- */
	[ST_SET_VERSION_9] = "PRAGMA user_version = 9",
	/* The payments dated in a year (the index payments_paid of migration 4 covers it). */
	[ST_PAYMENTS_DATED_SUM] = "SELECT COALESCE(SUM(amount_ore), 0) FROM payments WHERE paid_on BETWEEN ?1 AND ?2",
	[ST_PAYMENT_LINE_INSERT] = "INSERT INTO payment_lines (payment_id, code, amount_ore) VALUES (?1, ?2, ?3)",
	/* The decision's code first, its child supplement after. */
	[ST_PAYMENT_LINES] =
		"SELECT code, amount_ore FROM payment_lines WHERE payment_id = ?1 ORDER BY code LIKE '%_child', code",
	[ST_CLAIM_INSERT] =
		"INSERT INTO claims (decision_id, organisation_id, from_day, to_day, units, reference, amount_ore, "
		"status, submitted_on, submitted_by, created_at, id, seq) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, " NEXT_SEQ("claims") ")",
	[ST_CLAIM_LINE_INSERT] = "INSERT INTO claim_lines (claim_id, code, days, amount_ore) VALUES (?1, ?2, ?3, ?4)",
	[ST_CLAIM_GET] = "SELECT " CLAIM_COLS " FROM claims c JOIN decisions d ON d.id = c.decision_id WHERE c.id = ?1",
	[ST_CLAIM_LINES] =
		"SELECT code, days, amount_ore FROM claim_lines WHERE claim_id = ?1 ORDER BY code LIKE '%_child', code",
	/* ?1 limit, ?2 offset; ?3 organisation, ?4 status, ?5 decision, ?6..?7 submitted between, ?8 in the case code */
	[ST_CLAIM_LIST] = "SELECT " CLAIM_COLS " FROM " CLAIM_FILTER "ORDER BY c.seq LIMIT ?1 OFFSET ?2",
	[ST_CLAIM_LIST_NEWEST] =
		"SELECT " CLAIM_COLS " FROM " CLAIM_FILTER "ORDER BY c.submitted_on DESC, c.seq DESC LIMIT ?1 OFFSET ?2",
	[ST_CLAIM_COUNT] = "SELECT count(*) FROM " CLAIM_FILTER,
	[ST_CLAIM_RESERVED] =
		"SELECT COALESCE(SUM(amount_ore), 0) FROM claims WHERE decision_id = ?1 AND status = ?3 AND id <> ?2",
	[ST_CLAIM_OVERLAP] =
		"SELECT id FROM claims WHERE decision_id = ?1 AND status <> ?4 AND from_day <= ?3 AND to_day >= ?2 "
		"ORDER BY seq LIMIT 1",
	[ST_CLAIM_SET_PAID] =
		"UPDATE claims SET status = ?2, decided_on = ?3, decided_by = ?4, payment_id = ?5 "
		"WHERE id = ?1 AND status = ?6",
	[ST_CLAIM_SET_REJECTED] =
		"UPDATE claims SET status = ?2, decided_on = ?3, decided_by = ?4, reject_reason = ?5 "
		"WHERE id = ?1 AND status = ?6",
	/* ---- end of the claims' section ---- */
	/* ---- linkage keys and marks (migration 12, src/store/linkage.c) ---- */
	[ST_SET_VERSION_12] = "PRAGMA user_version = 12",
	[ST_LINK_UPSERT] =
		"INSERT OR REPLACE INTO linkage_keys (subject_kind, subject_id, organisation_id, fields, exact_key, "
		"bloom, blocks, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_LINK_DELETE] = "DELETE FROM linkage_keys WHERE subject_kind = ?1 AND subject_id = ?2",
	[ST_LINK_ALL] =
		"SELECT subject_kind, subject_id, organisation_id, fields, exact_key, bloom, blocks FROM linkage_keys "
		"ORDER BY subject_kind = 'contact', subject_id",
	[ST_LINK_GET] =
		"SELECT subject_kind, subject_id, organisation_id, fields, exact_key, bloom, blocks FROM linkage_keys "
		"WHERE subject_kind = ?1 AND subject_id = ?2",
	/* The records whose exact key another record shares: the only ones an
	 * exact key can join (the partial index linkage_keys_exact). */
	[ST_LINK_EXACT_SHARED] =
		"SELECT subject_kind, subject_id, exact_key FROM linkage_keys WHERE exact_key IN "
		"(SELECT exact_key FROM linkage_keys WHERE exact_key IS NOT NULL GROUP BY exact_key HAVING COUNT(*) > 1)",
	[ST_LINK_MARK_UPSERT] =
		"INSERT INTO linkage_marks (a_kind, a_id, b_kind, b_id, same, marked_by, marked_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (a_kind, a_id, b_kind, b_id) DO UPDATE SET "
		"same = excluded.same, marked_by = excluded.marked_by, marked_at = excluded.marked_at",
	[ST_LINK_MARKS] =
		"SELECT a_kind, a_id, b_kind, b_id, same, marked_by, marked_at FROM linkage_marks "
		"ORDER BY a_kind = 'contact', a_id, b_kind = 'contact', b_id",
	/* R3-R6 across a linked pair: the persons reached through "same" marks between persons. */
	[ST_LINK_SAME_PERSONS] =
		"WITH RECURSIVE linked(id) AS (SELECT ?1 UNION "
		"SELECT CASE WHEN m.a_id = linked.id THEN m.b_id ELSE m.a_id END FROM linkage_marks m "
		"JOIN linked ON m.a_id = linked.id OR m.b_id = linked.id "
		"WHERE m.a_kind = 'person' AND m.b_kind = 'person' AND m.same = 1) "
		"SELECT id FROM linked WHERE id <> ?1 ORDER BY id",
	[ST_LINK_PERSONS_MISSING] =
		"SELECT p.id, p.organisation_id FROM persons p WHERE p.identity IS NOT NULL AND NOT EXISTS "
		"(SELECT 1 FROM linkage_keys k WHERE k.subject_kind = 'person' AND k.subject_id = p.id) ORDER BY p.id",
	/* ---- end of the linkage section ---- */
	/* random ids, the order of registration (migration 14) */
	[ST_SET_VERSION_14] = "PRAGMA user_version = 14",
};

const char *stmt_sql(enum stmt s)
{
	return s < ST__COUNT ? sql[s] : NULL;
}
