/*
 * QR codes (libqrencode) drawn as SVG path data by our own code, so that a
 * page can show one inline: no image request, no script, nothing that the
 * Content-Security-Policy would have to allow.
 */
#ifndef NSP_QR_H
#define NSP_QR_H

#include "util/buf.h"

#define QR_QUIET 4   /* the quiet zone around the symbol, in modules (ISO/IEC 18004) */

/*
 * Encodes text (byte mode, error correction level M) and appends to path
 * the SVG path data of its dark modules, one unit per module, offset by the
 * quiet zone: "M4,4h7v1h-7z..." (only digits and the letters M h v z).
 * *size gets the side of the whole picture in modules, quiet zone included
 * (the viewBox). Returns 0, or -1 when the text does not fit a QR code or
 * memory runs out (path is then unchanged).
 */
int qr_svg_path(const char *text, struct buf *path, int *size);

#endif
