// mdbtools' libmdb (LGPL, Debian mdbtools-dev). Its API hands out GLib arrays and
// g_malloc'd strings; these helpers keep GLib on this side so Swift sees plain C.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mdbtools.h>

/// mdb_read_table, refusing a table whose usage map (the page list a scan follows) is
/// empty: libmdb 1.0.0 (Debian's) copies a 0-byte map as NULL and then reads its first
/// byte on the first row fetch, a NULL dereference. mdbtools fixed this after 1.0.0
/// (commit 4febc7b, "Fix null-ptr deref when table->map_sz is 0", found by oss-fuzz);
/// this check keeps pyforge safe with either version.
static inline MdbTableDef *pyf_read_table(MdbCatalogEntry *entry) {
    MdbTableDef *table = mdb_read_table(entry);
    if (table && (table->map_sz < 1 || !table->usage_map)) {
        fprintf(stderr, "the table's usage map (page %lu) is empty\n", entry->table_pg);
        mdb_free_tabledef(table);
        return NULL;
    }
    return table;
}

/// Reads the catalog of tables (MSysObjects) into mdb->catalog like mdb_read_catalog,
/// but without the LvProp column: libmdb's property parser loops forever on a property
/// record of length 0 (two damaged bytes), and pyforge uses no properties. Returns the
/// number of entries, or -1 when MSysObjects cannot be read. Rows are bounded by the
/// file's pages (a page holds fewer rows than bytes), in case libmdb's scan circles.
static inline int pyf_read_tables_catalog(MdbHandle *mdb, unsigned long max_pages) {
    if (mdb->catalog) mdb_free_catalog(mdb);
    mdb->catalog = g_ptr_array_new();
    mdb->num_catalog = 0;
    MdbCatalogEntry objects;
    memset(&objects, 0, sizeof objects);
    objects.mdb = mdb;
    objects.object_type = MDB_TABLE;
    objects.table_pg = 2; /* MSysObjects' definition is always on page 2 */
    snprintf(objects.object_name, sizeof objects.object_name, "%s", "MSysObjects");
    MdbTableDef *table = pyf_read_table(&objects);
    if (!table) return -1;
    if (table->num_cols == 0 || table->num_cols > 255 || !mdb_read_columns(table)) {
        mdb_free_tabledef(table);
        return -1;
    }
    size_t size = mdb->bind_size;
    char *id = g_malloc0(size), *name = g_malloc0(size), *type = g_malloc0(size), *flags = g_malloc0(size);
    int result = -1;
    if (mdb_bind_column_by_name(table, "Id", id, NULL) != -1 && mdb_bind_column_by_name(table, "Name", name, NULL) != -1
        && mdb_bind_column_by_name(table, "Type", type, NULL) != -1 && mdb_bind_column_by_name(table, "Flags", flags, NULL) != -1) {
        mdb_rewind_table(table);
        unsigned long rows = 0, max_rows = max_pages * (unsigned long)mdb->fmt->pg_size;
        while (rows++ < max_rows && mdb_fetch_row(table)) {
            if (atoi(type) != MDB_TABLE) continue; /* as mdb_read_catalog(mdb, MDB_TABLE) */
            MdbCatalogEntry *entry = g_malloc0(sizeof(MdbCatalogEntry));
            entry->mdb = mdb;
            snprintf(entry->object_name, sizeof entry->object_name, "%s", name);
            entry->object_type = MDB_TABLE;
            entry->table_pg = atol(id) & 0x00FFFFFF;
            entry->flags = atol(flags);
            mdb->num_catalog++;
            g_ptr_array_add(mdb->catalog, entry);
        }
        result = rows > max_rows ? -1 : (int)mdb->num_catalog;
    }
    g_free(id); g_free(name); g_free(type); g_free(flags);
    mdb_free_tabledef(table);
    return result;
}

/// Entries of the catalog read by mdb_read_catalog.
static inline unsigned int pyf_catalog_count(MdbHandle *mdb) {
    return mdb->catalog ? mdb->catalog->len : 0;
}

static inline MdbCatalogEntry *pyf_catalog_entry(MdbHandle *mdb, unsigned int i) {
    return (MdbCatalogEntry *)g_ptr_array_index(mdb->catalog, i);
}

static inline MdbColumn *pyf_column(MdbTableDef *table, unsigned int i) {
    return (MdbColumn *)g_ptr_array_index(table->columns, i);
}

static inline void pyf_free(void *p) { g_free(p); }

static inline unsigned int pyf_jet_version(MdbHandle *mdb) { return mdb->f->jet_version; }

/// How a table scan step ended (pyf_next_row's negative results).
enum {
    PYF_ROW_END = 0,
    /// More data pages than the file holds: the page chain loops (a damaged file).
    PYF_ROW_TOO_MANY_PAGES = -1,
    /// A live row whose bytes cannot be split into fields (a damaged data page).
    PYF_ROW_UNREADABLE = -2,
};

/// The next live row of a table scan, cracked into `fields` (one per column, in row
/// order; `fields[i].colnum` names the column). Deleted rows are skipped. Returns the
/// number of fields, or a PYF_ROW_ value. `pages` counts the data pages visited so far:
/// a table cannot have more data pages than the file has pages, so more than
/// `max_pages` means libmdb is going round in circles. The row's bytes stay in
/// mdb->pg_buf until the next call.
static inline int pyf_next_row(MdbTableDef *table, MdbField *fields, unsigned long *pages, unsigned long max_pages) {
    MdbHandle *mdb = table->entry->mdb;
    if (!table->cur_pg_num) {
        table->cur_pg_num = 1;
        table->cur_row = 0;
        if (++*pages > max_pages) return PYF_ROW_TOO_MANY_PAGES;
        if (!mdb_read_next_dpg(table)) return PYF_ROW_END;
    }
    for (;;) {
        unsigned int rows = mdb_get_int16(mdb->pg_buf, mdb->fmt->row_count_offset);
        if (table->cur_row >= rows) {
            table->cur_row = 0;
            if (++*pages > max_pages) return PYF_ROW_TOO_MANY_PAGES;
            if (!mdb_read_next_dpg(table)) return PYF_ROW_END;
            continue;
        }
        int start;
        size_t size;
        int row = table->cur_row++;
        if (mdb_find_row(mdb, row, &start, &size) == -1 || size == 0) continue;
        if (start & 0x4000) continue; /* deleted */
        int count = mdb_crack_row(table, start & 0x1fff, size, fields);
        if (count <= 0) return PYF_ROW_UNREADABLE;
        return count;
    }
}

/// Text of a Text field as UTF-8 into `out` (at least 3 * size + 1 bytes); returns its length.
static inline int pyf_text(MdbHandle *mdb, int start, int size, char *out, size_t capacity) {
    return mdb_unicode2ascii(mdb, (char *)mdb->pg_buf + start, size, out, capacity);
}

/// A long value's (Memo, OLE) stored bytes, g_malloc'd (free with pyf_free), whatever
/// their length: inline, on one page or on a chain of pages. NULL when the field or its
/// chain is damaged: a bad flag, a missing page, a chain longer than `max_pages` (a
/// loop) or holding other than the length the field declares.
static inline unsigned char *pyf_long_value(MdbHandle *mdb, int start, int size, unsigned long max_pages, size_t *length) {
    *length = 0;
    if (size < MDB_MEMO_OVERHEAD) return NULL;
    guint32 declared = mdb_get_int32(mdb->pg_buf, start);
    unsigned char *raw = NULL;
    if (declared & 0x80000000) {
        *length = size - MDB_MEMO_OVERHEAD;
        raw = g_malloc(*length + 1);
        memcpy(raw, mdb->pg_buf + start + MDB_MEMO_OVERHEAD, *length);
        return raw;
    }
    gint32 pg_row = mdb_get_int32(mdb->pg_buf, start + 4);
    if (declared & 0x40000000) {
        void *buf; int row_start; size_t len;
        if (mdb_find_pg_row(mdb, pg_row, &buf, &row_start, &len)) return NULL;
        if (row_start < 0 || row_start + len > (size_t)mdb->fmt->pg_size) return NULL;
        raw = g_malloc(len + 1);
        memcpy(raw, (char *)buf + row_start, len);
        *length = len;
        return raw;
    }
    if ((declared & 0xff000000) != 0) return NULL;
    guint32 total = declared & 0x00ffffff;
    raw = g_malloc(total + 1);
    size_t got = 0;
    unsigned long hops = 0;
    while (pg_row) {
        void *buf; int row_start; size_t len;
        if (++hops > max_pages || mdb_find_pg_row(mdb, pg_row, &buf, &row_start, &len) || len < 4
            || row_start < 0 || row_start + len > (size_t)mdb->fmt->pg_size || got + len - 4 > total) {
            g_free(raw);
            return NULL;
        }
        memcpy(raw + got, (char *)buf + row_start + 4, len - 4);
        got += len - 4;
        pg_row = mdb_get_int32(buf, row_start);
    }
    if (got != total) {
        g_free(raw);
        return NULL;
    }
    *length = got;
    return raw;
}

/// Memo text as UTF-8 into a g_malloc'd buffer (free with pyf_free); NULL as pyf_long_value.
static inline char *pyf_memo(MdbHandle *mdb, int start, int size, unsigned long max_pages, size_t *length) {
    size_t raw_len = 0;
    unsigned char *raw = pyf_long_value(mdb, start, size, max_pages, &raw_len);
    *length = 0;
    if (!raw) return NULL;
    size_t capacity = raw_len * 3 + 1;
    char *text = g_malloc(capacity);
    *length = mdb_unicode2ascii(mdb, (char *)raw, raw_len, text, capacity);
    g_free(raw);
    return text;
}

/// The table definition's column count as stored, before libmdb reads the columns.
static inline unsigned int pyf_table_column_count(MdbTableDef *table) { return table->num_cols; }

/// libmdb reports damage with fprintf(stderr, ...). While a call runs, `stderr` points at
/// a fixed in-memory stream instead (the process's fd 2 is left alone; pyforge's own
/// messages are written to fd 2 directly), so what libmdb says becomes part of one error
/// sentence rather than raw lines on the terminal. The stream is opened once and never
/// closed, so a C library on another thread that picked up `stderr` meanwhile writes into
/// the buffer at worst, never into a closed FILE.
static inline FILE *pyf_capture_open(char *buffer, size_t capacity) {
    FILE *capture = fmemopen(buffer, capacity, "w");
    if (capture) setvbuf(capture, NULL, _IONBF, 0);
    return capture;
}

/// Points `stderr` at `capture` (emptied first); returns the real stderr for pyf_capture_end.
static inline FILE *pyf_capture_begin(FILE *capture, char *buffer, size_t capacity) {
    FILE *saved = stderr;
    if (!capture) return saved;
    memset(buffer, 0, capacity);
    rewind(capture);
    stderr = capture;
    return saved;
}

static inline void pyf_capture_end(FILE *saved) {
    fflush(stderr);
    stderr = saved;
}
