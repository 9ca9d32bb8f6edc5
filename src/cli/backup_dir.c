/*
 * Verified backups, for `nsp serve --backup-dir` (daily and on SIGUSR1),
 * `nsp backup --verify` and `nsp restore`: a copy is only kept once SQLite's
 * integrity_check and the audit chain (under the database's own keys) pass
 * on the copy itself, so a backup that exists is a backup that restores.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "store/store.h"

/* A backup's name: nsp-YYYYMMDDTHHMMSS.mmmZ.db (UTC), so that names sort by time. */
#define BACKUP_PREFIX "nsp-"
#define BACKUP_SUFFIX ".db"
#define BACKUP_STAMP_LEN 20

void cli_remove_sidecars(const char *path)
{
	char side[4200];
	static const char *const ext[] = { "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < 3; i++)
		if (snprintf(side, sizeof side, "%s%s", path, ext[i]) < (int)sizeof side)
			unlink(side);
}

int cli_verify_copy(const char *path, const struct db *keys_from, char *err, size_t errsz)
{
	struct db *copy = NULL;
	struct audit_report r;
	int rc = -1;

	if (db_open(&copy, path, DB_EXISTING | DB_READONLY, err, errsz) != 0)
		return -1;
	progress_step("kontrollerar kopian: integrity_check", "checking the copy: integrity_check");
	if (db_integrity_check(copy, err, errsz) != DB_OK)
		goto out;
	if (!keys_from) {
		rc = 0;
		goto out;
	}
	progress_step("kontrollerar kopian: granskningsloggens hashkedja", "checking the copy: the audit chain");
	if (db_keys_copy(copy, keys_from) != DB_OK || db_audit_verify(copy, &r) != 0) {
		snprintf(err, errsz, "%s", db_errmsg(copy));
		goto out;
	}
	if (r.problem != AUDIT_OK) {
		snprintf(err, errsz, "the copy's audit log is broken at entry %lld (%s) / kopians granskningslogg är bruten",
			 (long long)r.entry_id, r.message);
		goto out;
	}
	/* The copy must hold what the keys were made for (a copy of another database would not). */
	if (db_audit_check_key(copy) != DB_OK) {
		snprintf(err, errsz, "%s", db_errmsg(copy));
		goto out;
	}
	rc = 0;
out:
	db_close(copy);
	return rc;
}

/* Name filter: nsp-<stamp>.db exactly. */
static int is_backup_name(const char *n)
{
	size_t len = strlen(n), pl = strlen(BACKUP_PREFIX), sl = strlen(BACKUP_SUFFIX);
	return len == pl + BACKUP_STAMP_LEN + sl && strncmp(n, BACKUP_PREFIX, pl) == 0 &&
	       strcmp(n + len - sl, BACKUP_SUFFIX) == 0 && n[pl + 8] == 'T' && n[pl + BACKUP_STAMP_LEN - 1] == 'Z';
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Deletes the oldest backups of dir beyond the newest keep. Returns how many were deleted. */
static int rotate(const char *dir, int keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int deleted = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (!is_backup_name(e->d_name))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			char **nn = realloc(names, ncap * sizeof *nn);
			if (!nn)
				break;
			names = nn;
			cap = ncap;
		}
		if ((names[n] = strdup(e->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (n - i > (size_t)keep) {
			char path[4200];
			if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path &&
			    unlink(path) == 0) {
				cli_remove_sidecars(path);
				deleted++;
			}
		}
		free(names[i]);
	}
	free(names);
	return deleted;
}

int cli_backup_to_dir(struct db *db, const char *dir, int keep, char *written, size_t writtensz, char *err,
		      size_t errsz)
{
	struct timespec now;
	struct tm tm;
	char stamp[96], tmp[4200], final[4200];
	int fd;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(stamp, sizeof stamp, "%04d%02d%02dT%02d%02d%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create the backup folder %s: %s / kan inte skapa mappen för säkerhetskopior",
			 dir, strerror(errno));
		return -1;
	}
	if (snprintf(final, sizeof final, "%s/" BACKUP_PREFIX "%s" BACKUP_SUFFIX, dir, stamp) >= (int)sizeof final ||
	    snprintf(tmp, sizeof tmp, "%s/.partial-" BACKUP_PREFIX "%s" BACKUP_SUFFIX, dir, stamp) >= (int)sizeof tmp) {
		snprintf(err, errsz, "the backup folder's path is too long / sökvägen är för lång");
		return -1;
	}
	progress_step("säkerhetskopierar databasen", "backing up the database");
	if (db_backup(db, tmp, err, errsz) != DB_OK)
		return -1;
	/* Nothing is kept that does not pass its checks. */
	if (cli_verify_copy(tmp, db, err, errsz) != 0) {
		cli_remove_sidecars(tmp);
		unlink(tmp);
		return -1;
	}
	cli_remove_sidecars(tmp);
	if (rename(tmp, final) != 0) {
		snprintf(err, errsz, "cannot rename the backup to %s: %s / kan inte byta namn på säkerhetskopian", final,
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* The new name must survive a crash before an old backup is deleted. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	if (keep > 0)
		rotate(dir, keep);
	snprintf(written, writtensz, "%s", final);
	return 0;
}
