/* wc_ytree.c — YAML (libfyaml events) to a positioned tree, with include: merging. */
#include "wc_ytree.h"

#include <errno.h>
#include <libfyaml.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  MAX_INCLUDE_DEPTH = 16,
  /* Aliases are expanded by copying; this bounds a "billion laughs" document. */
  MAX_NODES_PER_FILE = 100000,
};

struct wc_ytree {
  wc_ynode *root;
  char **files; /* every file name a node points at */
  size_t file_count, file_capacity;
};

/* ---- nodes ------------------------------------------------------------------------ */

static void node_free(wc_ynode *node) {
  if (!node) return;
  for (size_t i = 0; i < node->count; ++i) {
    if (node->keys) node_free(node->keys[i]);
    node_free(node->items[i]);
  }
  free(node->keys);
  free(node->items);
  free(node->text);
  free(node);
}

static wc_status node_new(wc_ynode_kind kind, const char *file, int line, int column, wc_ynode **out) {
  wc_ynode *node;
  WC_MALLOC(node, 1, "a YAML node");
  node->kind = kind;
  node->file = file;
  node->line = line;
  node->column = column;
  *out = node;
  return WC_OK;
}

static wc_status node_append(wc_ynode *parent, wc_ynode *key, wc_ynode *value) {
  size_t n = parent->count + 1;
  wc_ynode **items = realloc(parent->items, n * sizeof *items);
  WC_CHECK(items, WC_ERR_MEMORY, "out of memory growing a YAML node");
  parent->items = items;
  if (parent->kind == WC_YNODE_MAP) {
    wc_ynode **keys = realloc(parent->keys, n * sizeof *keys);
    WC_CHECK(keys, WC_ERR_MEMORY, "out of memory growing a YAML mapping");
    parent->keys = keys;
    parent->keys[parent->count] = key;
  }
  parent->items[parent->count] = value;
  parent->count = n;
  return WC_OK;
}

static size_t node_count(const wc_ynode *node) {
  size_t total = 1;
  for (size_t i = 0; i < node->count; ++i) total += node_count(node->items[i]) + (node->keys ? 1 : 0);
  return total;
}

static wc_status node_copy(const wc_ynode *source, wc_ynode **out) {
  wc_ynode *copy = NULL;
  WC_CALL(node_new(source->kind, source->file, source->line, source->column, &copy));
  copy->plain = source->plain;
  if (source->text && !(copy->text = strdup(source->text))) {
    node_free(copy);
    WC_FAIL(WC_ERR_MEMORY, "out of memory copying a YAML alias");
  }
  for (size_t i = 0; i < source->count; ++i) {
    wc_ynode *key = NULL, *value = NULL;
    wc_status status = WC_OK;
    if (source->keys) WC_CALL_GOTO(status, fail, node_copy(source->keys[i], &key));
    WC_CALL_GOTO(status, fail, node_copy(source->items[i], &value));
    WC_CALL_GOTO(status, fail, node_append(copy, key, value));
    continue;
  fail:
    node_free(key);
    node_free(value);
    node_free(copy);
    return status;
  }
  *out = copy;
  return WC_OK;
}

const wc_ynode *wc_ynode_get(const wc_ynode *map, const char *key) {
  if (!map || map->kind != WC_YNODE_MAP) return NULL;
  for (size_t i = 0; i < map->count; ++i)
    if (strcmp(map->keys[i]->text, key) == 0) return map->items[i];
  return NULL;
}

bool wc_ynode_is_null(const wc_ynode *node) {
  if (!node || node->kind != WC_YNODE_SCALAR || !node->plain) return false;
  const char *t = node->text;
  return t[0] == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 || strcmp(t, "Null") == 0 ||
         strcmp(t, "NULL") == 0;
}

const char *wc_ynode_describe(const wc_ynode *node) {
  if (!node) return "nothing";
  switch (node->kind) {
  case WC_YNODE_MAP: return "a mapping";
  case WC_YNODE_SEQ: return "a list";
  case WC_YNODE_SCALAR: break;
  }
  if (wc_ynode_is_null(node)) return "null";
  return node->plain ? "a plain scalar" : "a quoted string";
}

/* ---- tree and file names ------------------------------------------------------------ */

static wc_status tree_intern_file(wc_ytree *tree, const char *name, const char **out) {
  for (size_t i = 0; i < tree->file_count; ++i)
    if (strcmp(tree->files[i], name) == 0) return *out = tree->files[i], WC_OK;
  if (tree->file_count == tree->file_capacity) {
    size_t capacity = tree->file_capacity ? 2 * tree->file_capacity : 8;
    char **files = realloc(tree->files, capacity * sizeof *files);
    WC_CHECK(files, WC_ERR_MEMORY, "out of memory recording file names");
    tree->files = files;
    tree->file_capacity = capacity;
  }
  WC_CHECK((tree->files[tree->file_count] = strdup(name)), WC_ERR_MEMORY, "out of memory");
  *out = tree->files[tree->file_count++];
  return WC_OK;
}

void wc_ytree_destroy(wc_ytree **tree) {
  if (!tree || !*tree) return;
  node_free((*tree)->root);
  for (size_t i = 0; i < (*tree)->file_count; ++i) free((*tree)->files[i]);
  free((*tree)->files);
  free(*tree);
  *tree = NULL;
}

const wc_ynode *wc_ytree_root(const wc_ytree *tree) { return tree ? tree->root : NULL; }

/* ---- parsing one file --------------------------------------------------------------- */

typedef struct anchor {
  char *name;
  const wc_ynode *node;
} anchor;

typedef struct parse_state {
  const char *file;
  wc_ynode *stack[256]; /* open collections */
  wc_ynode *pending_key[256];
  int depth;
  wc_ynode *root;
  anchor *anchors;
  size_t anchor_count;
  int documents;
  size_t nodes; /* created so far, aliases expanded */
} parse_state;

static char *token_text(struct fy_token *token) {
  size_t length = 0;
  const char *text = token ? fy_token_get_text(token, &length) : NULL;
  char *copy = malloc(length + 1);
  if (!copy) return NULL;
  if (length) memcpy(copy, text, length);
  copy[length] = '\0';
  return copy;
}

static wc_status remember_anchor(parse_state *state, struct fy_token *token, const wc_ynode *node) {
  if (!token) return WC_OK;
  anchor *anchors = realloc(state->anchors, (state->anchor_count + 1) * sizeof *anchors);
  WC_CHECK(anchors, WC_ERR_MEMORY, "out of memory recording a YAML anchor");
  state->anchors = anchors;
  char *name = token_text(token);
  WC_CHECK(name, WC_ERR_MEMORY, "out of memory recording a YAML anchor");
  anchors[state->anchor_count++] = (anchor){name, node};
  return WC_OK;
}

/* Attach a finished node to the open collection (or make it the root). */
static wc_status attach(parse_state *state, wc_ynode *node) {
  if (state->depth == 0) {
    state->root = node;
    return WC_OK;
  }
  wc_ynode *parent = state->stack[state->depth - 1];
  if (parent->kind == WC_YNODE_SEQ) return node_append(parent, NULL, node);
  wc_ynode **key = &state->pending_key[state->depth - 1];
  if (!*key) {
    if (node->kind != WC_YNODE_SCALAR) {
      wc_status status = wc_error_set(WC_ERR_SCENARIO, __FILE__, __LINE__,
                                      "%s:%d:%d: a mapping key must be a plain name, not %s",
                                      state->file, node->line, node->column, wc_ynode_describe(node));
      node_free(node);
      return status;
    }
    for (size_t i = 0; i < parent->count; ++i) {
      if (strcmp(parent->keys[i]->text, node->text) == 0) {
        wc_status status = wc_error_set(
            WC_ERR_SCENARIO, __FILE__, __LINE__,
            "%s:%d:%d: duplicate key '%s' (first given at line %d); give each key once",
            state->file, node->line, node->column, node->text, parent->keys[i]->line);
        node_free(node);
        return status;
      }
    }
    *key = node;
    return WC_OK;
  }
  wc_status status = node_append(parent, *key, node);
  *key = NULL;
  return status;
}

static wc_status handle_event(parse_state *state, struct fy_event *event) {
  const struct fy_mark *mark = fy_event_start_mark(event);
  int line = mark ? mark->line + 1 : 0, column = mark ? mark->column + 1 : 0;
  wc_ynode *node = NULL;
  switch (event->type) {
  case FYET_DOCUMENT_START:
    WC_CHECK(++state->documents == 1, WC_ERR_SCENARIO,
             "%s:%d:%d: a second YAML document ('---'); a scenario file holds exactly one", state->file,
             line, column);
    return WC_OK;
  case FYET_SCALAR: {
    WC_CALL(node_new(WC_YNODE_SCALAR, state->file, line, column, &node));
    node->text = token_text(event->scalar.value);
    node->plain = fy_token_scalar_style(event->scalar.value) == FYSS_PLAIN && !event->scalar.tag;
    if (!node->text) {
      node_free(node);
      WC_FAIL(WC_ERR_MEMORY, "out of memory reading a YAML scalar");
    }
    WC_CALL(remember_anchor(state, event->scalar.anchor, node));
    return attach(state, node);
  }
  case FYET_ALIAS: {
    char *name = token_text(event->alias.anchor);
    WC_CHECK(name, WC_ERR_MEMORY, "out of memory reading a YAML alias");
    const wc_ynode *target = NULL;
    for (size_t i = state->anchor_count; i-- > 0;)
      if (strcmp(state->anchors[i].name, name) == 0 && (target = state->anchors[i].node)) break;
    free(name);
    WC_CHECK(target, WC_ERR_SCENARIO, "%s:%d:%d: alias to an unknown anchor", state->file, line, column);
    state->nodes += node_count(target);
    WC_CHECK(state->nodes <= MAX_NODES_PER_FILE, WC_ERR_SCENARIO,
             "%s:%d:%d: aliases expand to more than %d values; a scenario file needs far fewer", state->file, line,
             column, MAX_NODES_PER_FILE);
    WC_CALL(node_copy(target, &node));
    return attach(state, node);
  }
  case FYET_MAPPING_START:
  case FYET_SEQUENCE_START: {
    WC_CHECK(state->depth < (int)(sizeof state->stack / sizeof state->stack[0]), WC_ERR_SCENARIO,
             "%s:%d:%d: nesting deeper than 256 levels", state->file, line, column);
    bool is_map = event->type == FYET_MAPPING_START;
    WC_CALL(node_new(is_map ? WC_YNODE_MAP : WC_YNODE_SEQ, state->file, line, column, &node));
    WC_CALL(remember_anchor(state, is_map ? event->mapping_start.anchor : event->sequence_start.anchor, node));
    state->stack[state->depth] = node;
    state->pending_key[state->depth] = NULL;
    state->depth++;
    return WC_OK;
  }
  case FYET_MAPPING_END:
  case FYET_SEQUENCE_END:
    node = state->stack[--state->depth];
    return attach(state, node);
  default:
    return WC_OK;
  }
}

/* Scenario files are UTF-8. Checked before parsing: it gives a clear position, and
 * libfyaml 0.7 can loop forever on a '%' directive followed by invalid UTF-8. */
static wc_status check_utf8(const char *file, const char *text, size_t length) {
  int line = 1, column = 1;
  for (size_t i = 0; i < length;) {
    unsigned char c = (unsigned char)text[i];
    size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 9;
    bool valid = extra < 4 && i + extra < length && c != 0 && !(c >= 0x80 && c < 0xC2) && c < 0xF5;
    for (size_t k = 1; valid && k <= extra; ++k) valid = ((unsigned char)text[i + k] >> 6) == 0x2;
    WC_CHECK(valid, WC_ERR_SCENARIO, "%s:%d:%d: %s; scenario files must be UTF-8 text", file, line, column,
             c == 0 ? "a NUL byte" : "not valid UTF-8");
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += extra + 1;
  }
  return WC_OK;
}

/* Read the first diagnostic libfyaml collected and phrase it as FILE:LINE:COL. */
static wc_status syntax_error(struct fy_diag *diag, const char *file) {
  void *iterator = NULL;
  struct fy_diag_error *error = diag ? fy_diag_errors_iterate(diag, &iterator) : NULL;
  if (!error)
    WC_FAIL(WC_ERR_SCENARIO, "%s: not valid YAML (the parser gave no position)", file);
  WC_FAIL(WC_ERR_SCENARIO, "%s:%d:%d: YAML syntax error: %s", file, error->line + 1, error->column + 1,
          error->msg ? error->msg : "invalid YAML");
}

static wc_status parse_text(wc_ytree *tree, const char *file, const char *text, size_t length,
                            wc_ynode **root) {
  WC_CALL(check_utf8(file, text, length));
  struct fy_diag_cfg diag_cfg;
  fy_diag_cfg_default(&diag_cfg);
  diag_cfg.fp = NULL;
  diag_cfg.colorize = false;
  struct fy_diag *diag = fy_diag_create(&diag_cfg);
  WC_CHECK(diag, WC_ERR_MEMORY, "cannot create the YAML diagnostics object");
  fy_diag_set_collect_errors(diag, true);
  struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG, .diag = diag};
  struct fy_parser *parser = fy_parser_create(&cfg);
  if (!parser) {
    fy_diag_destroy(diag);
    WC_FAIL(WC_ERR_MEMORY, "cannot create the YAML parser");
  }
  wc_status status = WC_OK;
  parse_state state = {.file = file};
  WC_CALL_GOTO(status, done, tree_intern_file(tree, file, &state.file));
  if (fy_parser_set_string(parser, text, length) != 0) {
    status = wc_error_set(WC_ERR_SCENARIO, __FILE__, __LINE__, "%s: cannot start parsing", file);
    goto done;
  }
  struct fy_event *event;
  while ((event = fy_parser_parse(parser)) != NULL) {
    status = handle_event(&state, event);
    fy_parser_event_free(parser, event);
    if (status != WC_OK) goto done;
  }
  if (fy_parser_get_stream_error(parser)) {
    status = syntax_error(diag, file);
    goto done;
  }
  *root = state.root;
  state.root = NULL;
done:
  while (state.depth > 0) {
    --state.depth;
    node_free(state.pending_key[state.depth]);
    node_free(state.stack[state.depth]);
  }
  node_free(state.root);
  for (size_t i = 0; i < state.anchor_count; ++i) free(state.anchors[i].name);
  free(state.anchors);
  fy_parser_destroy(parser);
  /* Not fy_diag_unref: in libfyaml 0.7 that leaks the collected errors (valgrind). */
  fy_diag_destroy(diag);
  return status;
}

/* ---- files and includes ----------------------------------------------------------- */

static wc_status read_whole_file(const char *path, char **text, size_t *length, int *error_number) {
  *text = NULL;
  FILE *file = fopen(path, "rb");
  if (!file) return *error_number = errno, WC_ERR_IO;
  size_t capacity = 4096, used = 0;
  char *buffer = malloc(capacity);
  while (buffer) {
    used += fread(buffer + used, 1, capacity - used, file);
    if (used < capacity) break;
    char *bigger = realloc(buffer, capacity * 2);
    if (!bigger) free(buffer);
    buffer = bigger;
    capacity *= 2;
  }
  int failed = ferror(file);
  fclose(file);
  if (!buffer) return *error_number = ENOMEM, WC_ERR_MEMORY;
  if (failed) {
    free(buffer);
    return *error_number = EIO, WC_ERR_IO;
  }
  *text = buffer;
  *length = used;
  return WC_OK;
}

/* Deep merge `over` into `base` (both consumed): maps merge key by key, anything else is
 * replaced by the overriding value. */
static wc_ynode *merge(wc_ynode *base, wc_ynode *over) {
  if (!base) return over;
  if (!over) return base;
  if (base->kind != WC_YNODE_MAP || over->kind != WC_YNODE_MAP) {
    node_free(base);
    return over;
  }
  for (size_t i = 0; i < over->count; ++i) {
    size_t j = 0;
    while (j < base->count && strcmp(base->keys[j]->text, over->keys[i]->text) != 0) ++j;
    if (j < base->count) {
      base->items[j] = merge(base->items[j], over->items[i]);
      node_free(over->keys[i]);
    } else if (node_append(base, over->keys[i], over->items[i]) != WC_OK) {
      node_free(over->keys[i]);
      node_free(over->items[i]);
    }
    over->keys[i] = over->items[i] = NULL;
  }
  over->count = 0;
  node_free(over);
  return base;
}

typedef struct include_chain {
  const char *shown[MAX_INCLUDE_DEPTH];
  char *real[MAX_INCLUDE_DEPTH];
  int depth;
} include_chain;

static wc_status load_file(wc_ytree *tree, const char *shown, include_chain *chain, const wc_ynode *from,
                           wc_ynode **root);

static void join_relative(const char *including, const char *name, char *out, size_t size) {
  const char *slash = strrchr(including, '/');
  if (name[0] == '/' || !slash)
    snprintf(out, size, "%s", name);
  else
    snprintf(out, size, "%.*s/%s", (int)(slash - including), including, name);
}

static wc_status resolve_includes(wc_ytree *tree, const char *shown, include_chain *chain, wc_ynode **root) {
  wc_ynode *map = *root;
  size_t index = 0;
  while (index < map->count && strcmp(map->keys[index]->text, "include") != 0) ++index;
  if (index == map->count) return WC_OK;
  wc_ynode *key = map->keys[index], *value = map->items[index];
  /* Detach the include entry: it is an instruction to the loader, not a scenario key. */
  memmove(map->keys + index, map->keys + index + 1, (map->count - index - 1) * sizeof *map->keys);
  memmove(map->items + index, map->items + index + 1, (map->count - index - 1) * sizeof *map->items);
  map->count--;

  wc_status status = WC_OK;
  wc_ynode *merged = NULL;
  size_t names = value->kind == WC_YNODE_SEQ ? value->count : 1;
  for (size_t i = 0; i < names; ++i) {
    const wc_ynode *name = value->kind == WC_YNODE_SEQ ? value->items[i] : value;
    if (name->kind != WC_YNODE_SCALAR || wc_ynode_is_null(name) || name->text[0] == '\0') {
      status = wc_error_set(WC_ERR_SCENARIO, __FILE__, __LINE__,
                            "%s:%d:%d: include: expected a file name or a list of file names, got %s",
                            name->file, name->line, name->column, wc_ynode_describe(name));
      break;
    }
    char path[PATH_MAX];
    join_relative(shown, name->text, path, sizeof path);
    wc_ynode *included = NULL;
    if ((status = load_file(tree, path, chain, name, &included)) != WC_OK) break;
    merged = merge(merged, included);
  }
  node_free(key);
  node_free(value);
  if (status != WC_OK) {
    node_free(merged);
    return status;
  }
  *root = merge(merged, map);
  return WC_OK;
}

static wc_status load_file(wc_ytree *tree, const char *shown, include_chain *chain, const wc_ynode *from,
                           wc_ynode **root) {
  *root = NULL;
  char *text = NULL;
  size_t length = 0;
  int error_number = 0;
  if (read_whole_file(shown, &text, &length, &error_number) != WC_OK) {
    if (from && strcmp(from->text, shown) != 0)
      WC_FAIL(WC_ERR_SCENARIO, "%s:%d:%d: include: cannot read '%s' (looked for %s): %s", from->file,
              from->line, from->column, from->text, shown, strerror(error_number));
    if (from)
      WC_FAIL(WC_ERR_SCENARIO, "%s:%d:%d: include: cannot read '%s': %s", from->file, from->line, from->column,
              from->text, strerror(error_number));
    WC_FAIL(WC_ERR_IO, "%s: cannot read the scenario file: %s", shown, strerror(error_number));
  }
  char *real = realpath(shown, NULL);
  if (!real) {
    free(text);
    WC_FAIL(WC_ERR_IO, "%s: cannot resolve the path: %s", shown, strerror(errno));
  }
  for (int i = 0; i < chain->depth; ++i) {
    if (strcmp(chain->real[i], real) == 0) {
      char cycle[2048] = "";
      for (int j = i; j < chain->depth; ++j)
        snprintf(cycle + strlen(cycle), sizeof cycle - strlen(cycle), "%s -> ", chain->shown[j]);
      snprintf(cycle + strlen(cycle), sizeof cycle - strlen(cycle), "%s", shown);
      free(real);
      free(text);
      WC_FAIL(WC_ERR_SCENARIO, "%s:%d:%d: include: '%s' includes itself (%s); includes must not form a cycle",
              from->file, from->line, from->column, from->text, cycle);
    }
  }
  if (chain->depth == MAX_INCLUDE_DEPTH) {
    free(real);
    free(text);
    WC_FAIL(WC_ERR_SCENARIO, "%s:%d:%d: include: more than %d nested includes", from->file, from->line,
            from->column, MAX_INCLUDE_DEPTH);
  }
  wc_status status = parse_text(tree, shown, text, length, root);
  free(text);
  if (status != WC_OK) {
    free(real);
    return status;
  }
  if (*root && (*root)->kind != WC_YNODE_MAP) {
    status = wc_error_set(WC_ERR_SCENARIO, __FILE__, __LINE__,
                          "%s:%d:%d: a scenario file must be a mapping of keys (name:, basin:, period: ...), not %s",
                          shown, (*root)->line, (*root)->column, wc_ynode_describe(*root));
  } else if (*root) {
    const char *interned = shown;
    status = tree_intern_file(tree, shown, &interned);
    if (status == WC_OK) {
      chain->shown[chain->depth] = interned;
      chain->real[chain->depth] = real;
      chain->depth++;
      status = resolve_includes(tree, shown, chain, root);
      chain->depth--;
    }
  }
  free(real);
  if (status != WC_OK) {
    node_free(*root);
    *root = NULL;
  }
  return status;
}

static wc_status tree_new(wc_ytree **tree) {
  WC_MALLOC(*tree, 1, "a YAML tree");
  return WC_OK;
}

wc_status wc_ytree_load(const char *path, wc_ytree **tree) {
  *tree = NULL;
  wc_ytree *result;
  WC_CALL(tree_new(&result));
  include_chain chain = {.depth = 0};
  wc_status status = load_file(result, path, &chain, NULL, &result->root);
  if (status != WC_OK) {
    wc_ytree_destroy(&result);
    return status;
  }
  *tree = result;
  return WC_OK;
}

wc_status wc_ytree_parse_string(const char *name, const char *text, wc_ytree **tree) {
  *tree = NULL;
  wc_ytree *result;
  WC_CALL(tree_new(&result));
  wc_status status = parse_text(result, name, text, strlen(text), &result->root);
  if (status != WC_OK) {
    wc_ytree_destroy(&result);
    return status;
  }
  *tree = result;
  return WC_OK;
}
