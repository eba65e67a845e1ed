// mdbtools' libmdb (LGPL, Debian mdbtools-dev). Its API hands out GLib arrays and
// g_malloc'd strings; these helpers keep GLib on this side so Swift sees plain C.
#include <mdbtools.h>

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

/// The next live row of a table scan, cracked into `fields` (one per column, in row
/// order; `fields[i].colnum` names the column). Deleted rows are skipped. Returns the
/// number of fields, 0 at the end of the table. The row's bytes stay in mdb->pg_buf
/// until the next call.
static inline int pyf_next_row(MdbTableDef *table, MdbField *fields) {
    MdbHandle *mdb = table->entry->mdb;
    if (!table->cur_pg_num) {
        table->cur_pg_num = 1;
        table->cur_row = 0;
        if (!mdb_read_next_dpg(table)) return 0;
    }
    for (;;) {
        unsigned int rows = mdb_get_int16(mdb->pg_buf, mdb->fmt->row_count_offset);
        if (table->cur_row >= rows) {
            table->cur_row = 0;
            if (!mdb_read_next_dpg(table)) return 0;
            continue;
        }
        int start;
        size_t size;
        int row = table->cur_row++;
        if (mdb_find_row(mdb, row, &start, &size) == -1 || size == 0) continue;
        if (start & 0x4000) continue; /* deleted */
        int count = mdb_crack_row(table, start & 0x1fff, size, fields);
        if (count > 0) return count;
    }
}

/// Text of a Text field as UTF-8 into `out` (at least 3 * size + 1 bytes); returns its length.
static inline int pyf_text(MdbHandle *mdb, int start, int size, char *out, size_t capacity) {
    return mdb_unicode2ascii(mdb, (char *)mdb->pg_buf + start, size, out, capacity);
}

/// Memo text as UTF-8 (g_malloc'd, free with pyf_free), whatever its length: inline,
/// on one page or on a chain of pages.
static inline char *pyf_memo(MdbHandle *mdb, int start, int size, size_t *length) {
    *length = 0;
    if (size < MDB_MEMO_OVERHEAD) return NULL;
    guint32 memo_len = mdb_get_int32(mdb->pg_buf, start);
    char *raw = NULL;
    size_t raw_len = 0;
    if (memo_len & 0x80000000) {
        raw_len = size - MDB_MEMO_OVERHEAD;
        raw = g_malloc(raw_len + 1);
        memcpy(raw, mdb->pg_buf + start + MDB_MEMO_OVERHEAD, raw_len);
    } else if (memo_len & 0x40000000) {
        void *buf; int row_start; size_t len;
        if (mdb_find_pg_row(mdb, mdb_get_int32(mdb->pg_buf, start + 4), &buf, &row_start, &len)) return NULL;
        raw = g_malloc(len + 1);
        memcpy(raw, (char *)buf + row_start, len);
        raw_len = len;
    } else if ((memo_len & 0xff000000) == 0) {
        guint32 total = memo_len & 0x00ffffff;
        raw = g_malloc(total + 1);
        gint32 pg_row = mdb_get_int32(mdb->pg_buf, start + 4);
        do {
            void *buf; int row_start; size_t len;
            if (mdb_find_pg_row(mdb, pg_row, &buf, &row_start, &len) || len < 4) break;
            if (raw_len + len - 4 > total) break;
            memcpy(raw + raw_len, (char *)buf + row_start + 4, len - 4);
            raw_len += len - 4;
            pg_row = mdb_get_int32(buf, row_start);
        } while (pg_row);
    } else {
        return NULL;
    }
    size_t capacity = raw_len * 3 + 1;
    char *text = g_malloc(capacity);
    *length = mdb_unicode2ascii(mdb, raw, raw_len, text, capacity);
    g_free(raw);
    return text;
}

/// An OLE/attachment value's bytes (malloc'd, free with free()), read across pages.
static inline void *pyf_ole(MdbHandle *mdb, MdbColumn *col, int start, int size, size_t *length, void *scratch) {
    *length = 0;
    if (size < MDB_MEMO_OVERHEAD) return NULL;
    void *saved = col->bind_ptr;
    col->cur_value_start = start;
    col->cur_value_len = size;
    col->bind_ptr = scratch;
    memcpy(scratch, mdb->pg_buf + start, MDB_MEMO_OVERHEAD);
    void *data = mdb_ole_read_full(mdb, col, length);
    col->bind_ptr = saved;
    return data;
}

/// A Decimal (numeric) field as text, g_malloc'd.
static inline char *pyf_numeric(MdbHandle *mdb, int start, int scale, int precision) {
    return mdb_numeric_to_string(mdb, start, scale, precision);
}
