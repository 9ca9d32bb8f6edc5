/* Progress on standard error: see progress.h. */
#include "cli/progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define BAR_WIDTH 24
#define REDRAW_NS (100 * 1000 * 1000L)

static int quiet;

void progress_quiet(int q)
{
	quiet = q;
}

int progress_is_quiet(void)
{
	return quiet;
}

void progress_step(const char *what_sv, const char *what_en)
{
	if (quiet)
		return;
	fprintf(stderr, "nsp: %s\n", cli_english() ? what_en : what_sv);
}

static double seconds_since(const struct timespec *t0, const struct timespec *now)
{
	return (double)(now->tv_sec - t0->tv_sec) + (double)(now->tv_nsec - t0->tv_nsec) / 1e9;
}

void progress_begin(struct progress *p, const char *what_sv, const char *what_en, int64_t total)
{
	memset(p, 0, sizeof *p);
	p->what = cli_english() ? what_en : what_sv;
	p->total = total > 0 ? total : 0;
	p->tty = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	if (!quiet && !p->tty)
		fprintf(stderr, "nsp: %s (%lld)\n", p->what, (long long)p->total);
}

/* Draws the bar line: what, bar, counts, percent and the time left. */
static void draw(struct progress *p, const struct timespec *now)
{
	char bar[BAR_WIDTH + 1], left[48] = "";
	int64_t done = p->done > p->total && p->total ? p->total : p->done;
	int filled = p->total ? (int)(done * BAR_WIDTH / p->total) : 0;
	double el = seconds_since(&p->t0, now);

	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	/* Time left from the pace so far, once there is a pace to speak of. */
	if (p->total && done > 0 && done < p->total && el >= 0.5) {
		double rest = el * (double)(p->total - done) / (double)done;
		snprintf(left, sizeof left, cli_english() ? "  %.0f s left" : "  %.0f s kvar", rest + 0.5);
	}
	fprintf(stderr, "\rnsp: %s [%s] %lld/%lld %3d %%%s\033[K", p->what, bar, (long long)done,
		(long long)p->total, p->total ? (int)(done * 100 / p->total) : 0, left);
	fflush(stderr);
	p->drawn = *now;
	p->drawn_once = 1;
}

void progress_update(struct progress *p, int64_t done)
{
	struct timespec now;

	p->done = done;
	if (quiet || !p->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->drawn_once && (now.tv_sec - p->drawn.tv_sec) * 1000000000L + (now.tv_nsec - p->drawn.tv_nsec) < REDRAW_NS)
		return;
	draw(p, &now);
}

void progress_end(struct progress *p)
{
	struct timespec now;

	if (quiet)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->tty) {
		draw(p, &now);
		fprintf(stderr, "  (%.1f s)\n", seconds_since(&p->t0, &now));
	} else {
		fprintf(stderr, cli_english() ? "nsp: %s: %lld done in %.1f s\n" : "nsp: %s: %lld klara på %.1f s\n",
			p->what, (long long)p->done, seconds_since(&p->t0, &now));
	}
}
