/* A QR code's dark modules as SVG path data (libqrencode does the encoding). */
#include "util/qr.h"

#include <qrencode.h>

int qr_svg_path(const char *text, struct buf *path, int *size)
{
	/* Version 0: the smallest that fits. Byte mode keeps the URI as it is. */
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (q == NULL)
		return -1;
	int w = q->width;
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			/* Bit 0 of each module byte is "dark"; the others say what the module is for. */
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			/* One rectangle per run of dark modules in a row. */
			buf_printf(path, "M%d,%dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	*size = w + 2 * QR_QUIET;
	QRcode_free(q);
	return 0;
}
