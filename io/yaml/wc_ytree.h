/*
 * wc_ytree.h — a YAML document as a tree whose every node knows its file, line and column.
 *
 * Built from libfyaml's event stream (libfyaml's own document API gives no positions for
 * mappings and sequences in 0.7), then `include:` keys are resolved: each included file is
 * loaded relative to the including file and deep-merged underneath it, so the including
 * file overrides. Nodes keep the position of the file they came from, which is what a
 * validation message must point at.
 */
#ifndef WC_YTREE_H
#define WC_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "wc_status.h"

typedef enum wc_ynode_kind {
  WC_YNODE_SCALAR,
  WC_YNODE_MAP,
  WC_YNODE_SEQ,
} wc_ynode_kind;

typedef struct wc_ynode wc_ynode;
struct wc_ynode {
  wc_ynode_kind kind;
  char *text;       /* scalar text (NUL-terminated); NULL for maps and sequences */
  bool plain;       /* an unquoted scalar: may read as a number, boolean or null */
  const char *file; /* owned by the tree */
  int line, column; /* 1-based */
  size_t count;     /* entries of a map or items of a sequence */
  wc_ynode **keys;  /* map keys (scalar nodes), `count` of them */
  wc_ynode **items; /* map values or sequence items */
};

typedef struct wc_ytree wc_ytree;

/* Load `path` and every file it includes. Syntax errors, unreadable files, missing
 * includes and include cycles fail with WC_ERR_SCENARIO and a FILE:LINE:COL message. */
wc_status wc_ytree_load(const char *path, wc_ytree **tree) WC_NODISCARD;

/* Parse YAML text held in memory; `name` stands for the file in messages. */
wc_status wc_ytree_parse_string(const char *name, const char *text, wc_ytree **tree) WC_NODISCARD;

void wc_ytree_destroy(wc_ytree **tree);

/* The root node (a map for scenario files; NULL for an empty document). */
const wc_ynode *wc_ytree_root(const wc_ytree *tree);

/* Look up `key` in a map node; NULL when absent or when `map` is not a map. */
const wc_ynode *wc_ynode_get(const wc_ynode *map, const char *key);

/* True for a plain scalar spelling null: "~", "null", "Null", "NULL" or empty. */
bool wc_ynode_is_null(const wc_ynode *node);

/* "mapping", "sequence", "string", "number", ... for messages. */
const char *wc_ynode_describe(const wc_ynode *node);

#endif
