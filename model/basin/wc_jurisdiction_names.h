/*
 * wc_jurisdiction_names.h — finding a jurisdiction by the name a scenario file gives it.
 *
 * Basin tables carry full names ("Hebei Province", "Datong (city, Yunzhou, ...; one
 * tile)"); people write "Hebei" or "Datong". A query matches a name when it equals the
 * whole name or its leading words (the name goes on with a space or ends there), ignoring
 * ASCII case. An exact match wins; otherwise exactly one name may match, so "Zhangjiakou"
 * is the prefecture, not "Zhangjiakou city districts ...".
 */
#ifndef WC_JURISDICTION_NAMES_H
#define WC_JURISDICTION_NAMES_H

#include <stddef.h>

enum { WC_NAME_NOT_FOUND = -1, WC_NAME_AMBIGUOUS = -2 };

/* Index in names[0..count) that `query` names, or WC_NAME_NOT_FOUND / WC_NAME_AMBIGUOUS. */
int wc_jurisdiction_name_find(const char *const *names, int count, const char *query);

/* "Hebei Province, Beijing Municipality, Datong, ..." into out (truncated to size): every
 * name cut before a parenthesised remark, for messages that list what exists. */
void wc_jurisdiction_names_list(const char *const *names, int count, char *out, size_t size);

#endif
