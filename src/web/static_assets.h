/*
 * The files of src/web/static/ embedded into the binary at build time by
 * scripts/embed-static (generated: build/gen/static_assets.c), served from
 * /static/<path> by page_static().
 */
#ifndef NSP_WEB_STATIC_ASSETS_H
#define NSP_WEB_STATIC_ASSETS_H

#include <stddef.h>

struct static_asset {
	const char *path;             /* "nsp.css" */
	const char *content_type;     /* "text/css; charset=utf-8" */
	const unsigned char *data;
	size_t len;
};

extern const struct static_asset nsp_static_assets[];
extern const size_t nsp_static_count;
/* A short hash of every asset's content: pages link /static/nsp.css?v=<it>
 * so that a new build is never hidden by a cached old file. */
extern const char nsp_static_version[];

#endif
