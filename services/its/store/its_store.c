/*
 * its_store.c: the ITS log-structured store. Records are appended to the
 * active sector; a full store is compacted one sector at a time through the
 * spare sector. Every header crossing the flash boundary is parsed and built
 * with the checked codec; no value that fails its CRC is ever handed out.
 * docs/its.md gives the format and the argument for each ordering below.
 */
#include <stdlib.h>
#include <string.h>

#include "its_format.h"
#include "its_store.h"
#include "ward_codec.h"

struct its_store_entry {
    uint64_t key;
    uint64_t seq;
    uint32_t flags;
    uint32_t len;
    uint32_t data_crc;
    uint32_t sector;
    uint32_t off; /* record start within the sector */
    uint32_t corrupt;
};

struct sector_hdr {
    uint32_t magic;
    uint16_t version;
    uint16_t hdr_size;
    uint32_t sector_size;
    uint32_t sector_count;
    uint32_t max_object_size;
    uint32_t max_objects;
    uint32_t seq;
    uint32_t gc_src;
    uint32_t reserved;
    uint32_t crc;
};

struct record_hdr {
    uint32_t magic;
    uint32_t kind;
    uint64_t key;
    uint64_t seq;
    uint32_t flags;
    uint32_t len;
    uint32_t data_crc;
    uint32_t crc;
};

#define COPY_CHUNK 512u
#define MAX_OBJECTS_LIMIT 65536u

static uint32_t align_up(uint64_t n)
{
    return (uint32_t)((n + (ITS_ALIGN - 1)) & ~(uint64_t)(ITS_ALIGN - 1));
}

uint64_t its_store_footprint(size_t len)
{
    return ITS_RECORD_HDR_SIZE + (((uint64_t)len + (ITS_ALIGN - 1)) &
                                  ~(uint64_t)(ITS_ALIGN - 1));
}

/* ---- geometry --------------------------------------------------------- */

static bool geometry_ok(const struct its_flash *fl,
                        const struct its_store_config *cfg)
{
    uint64_t total = (uint64_t)fl->sector_size * fl->sector_count;
    if (fl->sector_size < 256 || fl->sector_size % ITS_ALIGN != 0 ||
        fl->sector_count < 2 || total > UINT32_MAX)
        return false;
    if (cfg->max_objects < 1 || cfg->max_objects > MAX_OBJECTS_LIMIT)
        return false;
    /* One largest record must fit in a sector with room to spare, or the
     * capacity rule gives nothing. */
    return its_store_footprint(cfg->max_object_size) <
           fl->sector_size - ITS_SECTOR_HDR_SIZE;
}

static uint64_t capacity_of(const struct its_flash *fl,
                            const struct its_store_config *cfg)
{
    uint64_t payload = fl->sector_size - ITS_SECTOR_HDR_SIZE;
    return (uint64_t)(fl->sector_count - 1) *
           (payload - its_store_footprint(cfg->max_object_size));
}

/* ---- flash wrappers: every failure is a storage failure --------------- */

static uint32_t sector_addr(const struct its_flash *fl, uint32_t s,
                            uint32_t off)
{
    return s * fl->sector_size + off;
}

static psa_status_t fl_read(const struct its_flash *fl, uint32_t addr,
                            void *buf, size_t len)
{
    if (len == 0)
        return PSA_SUCCESS;
    return fl->read(fl->ctx, addr, buf, len) == PSA_SUCCESS
               ? PSA_SUCCESS
               : PSA_ERROR_STORAGE_FAILURE;
}

static psa_status_t fl_program(const struct its_flash *fl, uint32_t addr,
                               const void *buf, size_t len)
{
    if (len == 0)
        return PSA_SUCCESS;
    return fl->program(fl->ctx, addr, buf, len) == PSA_SUCCESS
               ? PSA_SUCCESS
               : PSA_ERROR_STORAGE_FAILURE;
}

static psa_status_t fl_erase(const struct its_flash *fl, uint32_t s)
{
    return fl->erase(fl->ctx, s) == PSA_SUCCESS ? PSA_SUCCESS
                                                : PSA_ERROR_STORAGE_FAILURE;
}

static psa_status_t fl_sync(const struct its_flash *fl)
{
    return fl->sync(fl->ctx) == PSA_SUCCESS ? PSA_SUCCESS
                                            : PSA_ERROR_STORAGE_FAILURE;
}

psa_status_t its_flash_erase_all(const struct its_flash *fl)
{
    if (fl == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    for (uint32_t s = 0; s < fl->sector_count; s++) {
        psa_status_t st = fl->erase(fl->ctx, s);
        if (st != PSA_SUCCESS)
            return st;
    }
    return fl->sync(fl->ctx);
}

/* ---- header codecs ---------------------------------------------------- */

static void encode_sector_hdr(uint8_t out[ITS_SECTOR_DONE_OFF],
                              const struct its_flash *fl,
                              const struct its_store_config *cfg,
                              uint32_t seq, uint32_t gc_src)
{
    struct ward_writer w;
    ward_writer_init(&w, out, ITS_SECTOR_DONE_OFF);
    ward_put_u32le(&w, ITS_SECTOR_MAGIC);
    ward_put_u16le(&w, ITS_STORE_FORMAT_VERSION);
    ward_put_u16le(&w, ITS_SECTOR_HDR_SIZE);
    ward_put_u32le(&w, fl->sector_size);
    ward_put_u32le(&w, fl->sector_count);
    ward_put_u32le(&w, cfg->max_object_size);
    ward_put_u32le(&w, cfg->max_objects);
    ward_put_u32le(&w, seq);
    ward_put_u32le(&w, gc_src);
    ward_put_u32le(&w, 0);
    ward_put_u32le(&w, its_crc32(0, out, ITS_SECTOR_CRC_SPAN));
    /* Sized exactly: a failure here is a bug in this file. */
    if (ward_writer_finish(&w) != PSA_SUCCESS || ward_writer_len(&w) != 40)
        abort();
}

static psa_status_t decode_sector_hdr(const uint8_t *in, size_t len,
                                      struct sector_hdr *h)
{
    struct ward_reader r;
    ward_reader_init(&r, in, len);
    ward_get_u32le(&r, &h->magic);
    ward_get_u16le(&r, &h->version);
    ward_get_u16le(&r, &h->hdr_size);
    ward_get_u32le(&r, &h->sector_size);
    ward_get_u32le(&r, &h->sector_count);
    ward_get_u32le(&r, &h->max_object_size);
    ward_get_u32le(&r, &h->max_objects);
    ward_get_u32le(&r, &h->seq);
    ward_get_u32le(&r, &h->gc_src);
    ward_get_u32le(&r, &h->reserved);
    ward_get_u32le(&r, &h->crc);
    return r.err;
}

static void encode_record_hdr(uint8_t out[ITS_RECORD_HDR_SIZE],
                              const struct record_hdr *h)
{
    struct ward_writer w;
    ward_writer_init(&w, out, ITS_RECORD_HDR_SIZE);
    ward_put_u32le(&w, ITS_RECORD_MAGIC);
    ward_put_u32le(&w, h->kind);
    ward_put_u64le(&w, h->key);
    ward_put_u64le(&w, h->seq);
    ward_put_u32le(&w, h->flags);
    ward_put_u32le(&w, h->len);
    ward_put_u32le(&w, h->data_crc);
    ward_put_u32le(&w, its_crc32(0, out, ITS_RECORD_CRC_SPAN));
    if (ward_writer_finish(&w) != PSA_SUCCESS ||
        ward_writer_len(&w) != ITS_RECORD_HDR_SIZE)
        abort();
}

/* A record header at in is valid when its magic, kind and CRC check and its
 * length fits both the geometry and the room left in the sector. */
static bool decode_record_hdr(const uint8_t *in, size_t avail,
                              uint32_t max_object_size, struct record_hdr *h)
{
    struct ward_reader r;
    if (avail < ITS_RECORD_HDR_SIZE)
        return false;
    ward_reader_init(&r, in, ITS_RECORD_HDR_SIZE);
    ward_get_u32le(&r, &h->magic);
    ward_get_u32le(&r, &h->kind);
    ward_get_u64le(&r, &h->key);
    ward_get_u64le(&r, &h->seq);
    ward_get_u32le(&r, &h->flags);
    ward_get_u32le(&r, &h->len);
    ward_get_u32le(&r, &h->data_crc);
    ward_get_u32le(&r, &h->crc);
    if (ward_reader_finish(&r) != PSA_SUCCESS)
        return false;
    if (h->magic != ITS_RECORD_MAGIC ||
        h->crc != its_crc32(0, in, ITS_RECORD_CRC_SPAN))
        return false;
    if (h->kind != ITS_RECORD_SET && h->kind != ITS_RECORD_DEL)
        return false;
    if (h->len > max_object_size || (h->kind == ITS_RECORD_DEL && h->len != 0))
        return false;
    return its_store_footprint(h->len) <= avail;
}

/* ---- the index -------------------------------------------------------- */

/* Position of key, or where it would be inserted; *found says which. */
static uint32_t index_find(const struct its_store *st, uint64_t key,
                           bool *found)
{
    uint32_t lo = 0, hi = st->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (st->index[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < st->count && st->index[lo].key == key;
    return lo;
}

static void index_remove_at(struct its_store *st, uint32_t i)
{
    st->used -= its_store_footprint(st->index[i].len);
    st->data_bytes -= st->index[i].len;
    memmove(&st->index[i], &st->index[i + 1],
            (st->count - i - 1) * sizeof(st->index[0]));
    st->count--;
}

/* Insert or replace. The caller has checked room for a new key. */
static void index_put(struct its_store *st, const struct its_store_entry *e)
{
    bool found;
    uint32_t i = index_find(st, e->key, &found);
    if (found) {
        st->used -= its_store_footprint(st->index[i].len);
        st->data_bytes -= st->index[i].len;
    } else {
        memmove(&st->index[i + 1], &st->index[i],
                (st->count - i) * sizeof(st->index[0]));
        st->count++;
    }
    st->index[i] = *e;
    st->used += its_store_footprint(e->len);
    st->data_bytes += e->len;
}

/* ---- format ------------------------------------------------------------ */

static psa_status_t sector_is_blank(const struct its_flash *fl, uint32_t s,
                                    bool *blank)
{
    uint8_t buf[COPY_CHUNK];
    *blank = true;
    for (uint32_t off = 0; off < fl->sector_size; off += COPY_CHUNK) {
        uint32_t n = fl->sector_size - off < COPY_CHUNK
                         ? fl->sector_size - off
                         : COPY_CHUNK;
        psa_status_t st = fl_read(fl, sector_addr(fl, s, off), buf, n);
        if (st != PSA_SUCCESS)
            return st;
        for (uint32_t i = 0; i < n; i++)
            if (buf[i] != 0xFF) {
                *blank = false;
                return PSA_SUCCESS;
            }
    }
    return PSA_SUCCESS;
}

psa_status_t its_store_format(const struct its_flash *fl,
                              const struct its_store_config *cfg)
{
    uint8_t hdr[ITS_SECTOR_DONE_OFF];
    psa_status_t st;
    if (fl == NULL || cfg == NULL || !geometry_ok(fl, cfg))
        return PSA_ERROR_INVALID_ARGUMENT;
    for (uint32_t s = 0; s < fl->sector_count; s++) {
        bool blank;
        st = sector_is_blank(fl, s, &blank);
        if (st != PSA_SUCCESS)
            return st;
        if (!blank)
            return PSA_ERROR_ALREADY_EXISTS;
    }
    encode_sector_hdr(hdr, fl, cfg, 1, 0);
    st = fl_program(fl, sector_addr(fl, 0, 0), hdr, sizeof(hdr));
    if (st == PSA_SUCCESS)
        st = fl_sync(fl);
    return st;
}

/* ---- open and recovery -------------------------------------------------- */

enum sector_kind { SEC_BLANK, SEC_DATA, SEC_BAD };

static bool all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

/* Whether a record header that checks appears at any aligned offset in
 * [from, sector end): distinguishes a torn tail (nothing committed after
 * it) from damage in the middle of committed records. */
static bool valid_record_after(const struct its_store *st, const uint8_t *sec,
                               uint32_t from)
{
    struct record_hdr h;
    uint32_t ss = st->fl->sector_size;
    for (uint32_t o = align_up(from); o + ITS_RECORD_HDR_SIZE <= ss;
         o += ITS_ALIGN)
        if (ward_load_u32le(sec + o) == ITS_RECORD_MAGIC &&
            decode_record_hdr(sec + o, ss - o, st->cfg.max_object_size, &h))
            return true;
    return false;
}

/* Seal a torn tail: program zeros (padding) from off to the last non-0xFF
 * byte, so the sector parses cleanly and new records start after it. */
static psa_status_t seal_tail(struct its_store *st, uint32_t s,
                              const uint8_t *sec, uint32_t off,
                              uint32_t *end)
{
    static const uint8_t zeros[COPY_CHUNK];
    uint32_t ss = st->fl->sector_size;
    uint32_t last = off;
    for (uint32_t i = off; i < ss; i++)
        if (sec[i] != 0xFF)
            last = i + 1;
    last = align_up(last);
    for (uint32_t o = off; o < last; o += COPY_CHUNK) {
        uint32_t n = last - o < COPY_CHUNK ? last - o : COPY_CHUNK;
        psa_status_t ps = fl_program(st->fl, sector_addr(st->fl, s, o), zeros,
                                     n);
        if (ps != PSA_SUCCESS)
            return ps;
    }
    *end = last;
    return PSA_SUCCESS;
}

static psa_status_t apply_record(struct its_store *st,
                                 const struct record_hdr *h, uint32_t s,
                                 uint32_t off, bool data_ok)
{
    bool found;
    uint32_t i = index_find(st, h->key, &found);
    if (found && h->seq < st->index[i].seq) {
        st->why = "record older than the one it replaces";
        return PSA_ERROR_DATA_CORRUPT;
    }
    if (h->seq >= st->next_seq)
        st->next_seq = h->seq + 1;
    if (h->kind == ITS_RECORD_DEL) {
        if (found)
            index_remove_at(st, i);
        return PSA_SUCCESS;
    }
    if (!found && st->count == st->cfg.max_objects) {
        st->why = "more live objects than max_objects";
        return PSA_ERROR_DATA_CORRUPT;
    }
    struct its_store_entry e = {
        .key = h->key, .seq = h->seq, .flags = h->flags, .len = h->len,
        .data_crc = h->data_crc, .sector = s, .off = off,
        .corrupt = data_ok ? 0u : 1u,
    };
    index_put(st, &e);
    return PSA_SUCCESS;
}

/* Replay one data sector (read whole into sec) into the index. Only the
 * newest sector may end in a torn record; damage anywhere else refuses. */
static psa_status_t scan_sector(struct its_store *st, uint32_t s, uint8_t *sec,
                                bool newest, uint32_t *torn_at)
{
    uint32_t ss = st->fl->sector_size;
    uint32_t off = ITS_SECTOR_HDR_SIZE;
    psa_status_t ps = fl_read(st->fl, sector_addr(st->fl, s, 0), sec, ss);
    if (ps != PSA_SUCCESS)
        return ps;
    while (off < ss) {
        struct record_hdr h;
        uint32_t word = ward_load_u32le(sec + off);
        if (word == 0) { /* padding left by a sealed tail */
            off += ITS_ALIGN;
            continue;
        }
        if (word == 0xFFFFFFFFu && all_ff(sec + off, ss - off))
            break; /* the log ends here */
        if (!decode_record_hdr(sec + off, ss - off, st->cfg.max_object_size,
                               &h)) {
            if (!newest || valid_record_after(st, sec, off + ITS_ALIGN)) {
                st->why = "a committed record header fails its check";
                return PSA_ERROR_DATA_CORRUPT;
            }
            *torn_at = off;
            return PSA_SUCCESS;
        }
        uint32_t fp = (uint32_t)its_store_footprint(h.len);
        bool data_ok =
            its_crc32(0, sec + off + ITS_RECORD_HDR_SIZE, h.len) == h.data_crc;
        if (!data_ok && newest && !valid_record_after(st, sec, off + fp)) {
            /* The last record, torn by the cut: it was never acknowledged. */
            *torn_at = off;
            return PSA_SUCCESS;
        }
        ps = apply_record(st, &h, s, off, data_ok);
        if (ps != PSA_SUCCESS)
            return ps;
        off += fp;
    }
    st->wp = off;
    return PSA_SUCCESS;
}

static psa_status_t classify(struct its_store *st, uint32_t s,
                             enum sector_kind *kind, uint32_t *gc_src,
                             bool *ours, bool *done)
{
    const struct its_flash *fl = st->fl;
    uint8_t raw[ITS_SECTOR_HDR_SIZE];
    struct sector_hdr h;
    psa_status_t ps = fl_read(fl, sector_addr(fl, s, 0), raw, sizeof(raw));
    *ours = false;
    *gc_src = 0;
    *done = false;
    if (ps != PSA_SUCCESS)
        return ps;
    if (all_ff(raw, sizeof(raw))) {
        bool blank;
        ps = sector_is_blank(fl, s, &blank);
        *kind = blank ? SEC_BLANK : SEC_BAD;
        return ps;
    }
    *kind = SEC_BAD;
    if (decode_sector_hdr(raw, sizeof(raw), &h) != PSA_SUCCESS)
        abort(); /* 48 bytes always hold a header */
    if (h.magic != ITS_SECTOR_MAGIC)
        return PSA_SUCCESS;
    *ours = true;
    if (h.crc != its_crc32(0, raw, ITS_SECTOR_CRC_SPAN))
        return PSA_SUCCESS;
    if (h.version != ITS_STORE_FORMAT_VERSION ||
        h.hdr_size != ITS_SECTOR_HDR_SIZE) {
        st->why = "unsupported format version";
        return PSA_ERROR_STORAGE_FAILURE;
    }
    if (h.sector_size != fl->sector_size ||
        h.sector_count != fl->sector_count ||
        h.max_object_size != st->cfg.max_object_size ||
        h.max_objects != st->cfg.max_objects) {
        st->why = "image geometry differs from the configuration";
        return PSA_ERROR_STORAGE_FAILURE;
    }
    if (h.seq == 0 || h.reserved != 0)
        return PSA_SUCCESS; /* never written by us: damaged */
    *kind = SEC_DATA;
    st->sector_seq[s] = h.seq;
    *gc_src = h.gc_src;
    *done = ward_load_u32le(raw + ITS_SECTOR_DONE_OFF) != 0xFFFFFFFFu;
    return PSA_SUCCESS;
}

/*
 * Decide everything from reads first, so that a refused image is never
 * written; then erase what a cut left half done, seal a torn tail and sync.
 */
static psa_status_t recover(struct its_store *st, uint8_t *sec,
                            uint8_t *kinds)
{
    const struct its_flash *fl = st->fl;
    uint32_t n = fl->sector_count;
    uint32_t data = 0, bad = 0, blank = 0, newest = 0;
    bool any_ours = false, need_sync = false;
    uint32_t newest_gc_src = 0;
    bool newest_done = false;
    psa_status_t ps;

    for (uint32_t s = 0; s < n; s++) {
        enum sector_kind kind;
        uint32_t gc_src;
        bool ours, done;
        ps = classify(st, s, &kind, &gc_src, &ours, &done);
        if (ps != PSA_SUCCESS)
            return ps;
        kinds[s] = (uint8_t)kind;
        any_ours |= ours;
        if (kind == SEC_BLANK) {
            blank++;
        } else if (kind == SEC_BAD) {
            bad++;
        } else {
            for (uint32_t t = 0; t < s; t++)
                if (st->sector_seq[t] == st->sector_seq[s]) {
                    st->why = "two sectors with one sequence number";
                    return PSA_ERROR_DATA_CORRUPT;
                }
            if (data == 0 || st->sector_seq[s] > st->sector_seq[newest]) {
                newest = s;
                newest_gc_src = gc_src;
                newest_done = done;
            }
            data++;
        }
    }
    if (data == 0) {
        if (blank == n)
            return PSA_ERROR_DOES_NOT_EXIST;
        if (!any_ours) {
            st->why = "not a Ward ITS image (bad magic)";
            return PSA_ERROR_STORAGE_FAILURE;
        }
        st->why = "no readable sector header";
        return PSA_ERROR_DATA_CORRUPT;
    }
    /* A power cut leaves at most one sector half erased or half headed. */
    if (bad > 1) {
        st->why = "more than one damaged sector";
        return PSA_ERROR_DATA_CORRUPT;
    }

    /* An interrupted compaction: undo it if its copies were not all
     * durable (the source is intact), else finish erasing the source.
     * A dropped sector keeps kind DATA and sequence 0: erased below. */
    if (newest_gc_src != 0) {
        uint32_t src = n;
        if (newest_gc_src >= st->sector_seq[newest]) {
            st->why = "compaction source newer than its target";
            return PSA_ERROR_DATA_CORRUPT;
        }
        for (uint32_t s = 0; s < n; s++)
            if (st->sector_seq[s] == newest_gc_src)
                src = s;
        if (!newest_done) {
            if (src == n) {
                st->why = "unfinished compaction without its source";
                return PSA_ERROR_DATA_CORRUPT;
            }
            st->sector_seq[newest] = 0;
        } else if (src != n) {
            st->sector_seq[src] = 0;
        }
    }

    /* The data sectors left must be consecutive and leave a spare. */
    uint32_t lo = UINT32_MAX, hi = 0, cnt = 0;
    for (uint32_t s = 0; s < n; s++) {
        uint32_t q = st->sector_seq[s];
        if (q == 0)
            continue;
        cnt++;
        if (q < lo)
            lo = q;
        if (q > hi) {
            hi = q;
            newest = s;
        }
    }
    if (cnt == 0 || hi - lo + 1 != cnt) {
        st->why = "a data sector is missing";
        return PSA_ERROR_DATA_CORRUPT;
    }
    if (cnt == n) {
        st->why = "no spare sector";
        return PSA_ERROR_DATA_CORRUPT;
    }
    if (hi == UINT32_MAX) {
        st->why = "sector sequence exhausted";
        return PSA_ERROR_DATA_CORRUPT;
    }
    st->next_sector_seq = hi + 1;

    /* Replay oldest to newest; only the newest may end torn. */
    uint32_t torn_at = 0;
    for (uint32_t q = lo; q <= hi; q++) {
        uint32_t s = 0;
        while (st->sector_seq[s] != q)
            s++;
        ps = scan_sector(st, s, sec, q == hi, &torn_at);
        if (ps != PSA_SUCCESS)
            return ps;
    }
    st->active = newest;

    /* Every check passed: now repair. sec still holds the newest sector. */
    for (uint32_t s = 0; s < n; s++) {
        if (st->sector_seq[s] != 0 || kinds[s] == SEC_BLANK)
            continue;
        ps = fl_erase(fl, s);
        if (ps != PSA_SUCCESS)
            return ps;
        need_sync = true;
    }
    if (torn_at != 0) {
        ps = seal_tail(st, newest, sec, torn_at, &st->wp);
        if (ps != PSA_SUCCESS)
            return ps;
        need_sync = true;
    }
    return need_sync ? fl_sync(fl) : PSA_SUCCESS;
}

psa_status_t its_store_open(struct its_store *st, const struct its_flash *fl,
                            const struct its_store_config *cfg)
{
    uint8_t *sec, *kinds;
    psa_status_t ps;
    if (st == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    memset(st, 0, sizeof(*st));
    if (fl == NULL || cfg == NULL || !geometry_ok(fl, cfg)) {
        st->why = "invalid geometry";
        return PSA_ERROR_INVALID_ARGUMENT;
    }
    st->fl = fl;
    st->cfg = *cfg;
    st->capacity = capacity_of(fl, cfg);
    st->next_seq = 1;
    st->index = calloc(cfg->max_objects, sizeof(st->index[0]));
    st->sector_seq = calloc(fl->sector_count, sizeof(st->sector_seq[0]));
    sec = malloc(fl->sector_size);
    kinds = malloc(fl->sector_count);
    if (st->index == NULL || st->sector_seq == NULL || sec == NULL ||
        kinds == NULL) {
        free(sec);
        free(kinds);
        its_store_close(st);
        st->why = "out of memory";
        return PSA_ERROR_INSUFFICIENT_MEMORY;
    }
    ps = recover(st, sec, kinds);
    free(sec);
    free(kinds);
    if (ps != PSA_SUCCESS) {
        const char *why = st->why;
        its_store_close(st);
        st->why = why != NULL ? why
                              : (ps == PSA_ERROR_STORAGE_FAILURE
                                     ? "medium I/O error"
                                     : NULL);
        return ps;
    }
    st->why = NULL;
    return PSA_SUCCESS;
}

void its_store_close(struct its_store *st)
{
    if (st == NULL)
        return;
    free(st->index);
    free(st->sector_seq);
    st->index = NULL;
    st->sector_seq = NULL;
    st->fl = NULL;
    st->count = 0;
}

/* ---- writing ------------------------------------------------------------- */

static psa_status_t check_open(const struct its_store *st)
{
    if (st == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (st->fl == NULL)
        return PSA_ERROR_BAD_STATE;
    return st->failed ? PSA_ERROR_STORAGE_FAILURE : PSA_SUCCESS;
}

static psa_status_t open_sector(struct its_store *st, uint32_t s,
                                uint32_t gc_src)
{
    uint8_t hdr[ITS_SECTOR_DONE_OFF];
    if (st->next_sector_seq == UINT32_MAX)
        return PSA_ERROR_STORAGE_FAILURE;
    encode_sector_hdr(hdr, st->fl, &st->cfg, st->next_sector_seq, gc_src);
    psa_status_t ps =
        fl_program(st->fl, sector_addr(st->fl, s, 0), hdr, sizeof(hdr));
    if (ps != PSA_SUCCESS)
        return ps;
    st->sector_seq[s] = st->next_sector_seq++;
    st->active = s;
    st->wp = ITS_SECTOR_HDR_SIZE;
    return PSA_SUCCESS;
}

static psa_status_t copy_bytes(struct its_store *st, uint32_t from,
                               uint32_t to, uint32_t len)
{
    uint8_t buf[COPY_CHUNK];
    for (uint32_t o = 0; o < len; o += COPY_CHUNK) {
        uint32_t n = len - o < COPY_CHUNK ? len - o : COPY_CHUNK;
        psa_status_t ps = fl_read(st->fl, from + o, buf, n);
        if (ps == PSA_SUCCESS)
            ps = fl_program(st->fl, to + o, buf, n);
        if (ps != PSA_SUCCESS)
            return ps;
    }
    return PSA_SUCCESS;
}

/*
 * Make a fresh active sector. With two or more erased sectors, just head
 * one. With only the spare left, compact the oldest sector into it:
 *   1. head the spare with gc_src = oldest's sequence, copy the oldest's
 *      live records verbatim (a corrupt value stays corrupt), sync;
 *   2. program the done word, sync;
 *   3. erase the oldest, which becomes the spare.
 * A cut before 2 is durable leaves the source intact and the copy undone at
 * open; after it, open finishes 3.
 */
static psa_status_t advance(struct its_store *st)
{
    const struct its_flash *fl = st->fl;
    uint32_t n = fl->sector_count, blanks = 0, spare = n, oldest = n;
    psa_status_t ps;
    for (uint32_t i = 1; i <= n; i++) {
        uint32_t s = (st->active + i) % n;
        if (st->sector_seq[s] == 0) {
            blanks++;
            if (spare == n)
                spare = s;
        } else if (oldest == n ||
                   st->sector_seq[s] < st->sector_seq[oldest]) {
            oldest = s;
        }
    }
    if (spare == n)
        return PSA_ERROR_STORAGE_FAILURE;
    if (blanks >= 2) {
        ps = open_sector(st, spare, 0);
        return ps == PSA_SUCCESS ? fl_sync(fl) : ps;
    }
    ps = open_sector(st, spare, st->sector_seq[oldest]);
    for (uint32_t i = 0; ps == PSA_SUCCESS && i < st->count; i++) {
        struct its_store_entry *e = &st->index[i];
        uint32_t len = ITS_RECORD_HDR_SIZE + e->len;
        if (e->sector != oldest)
            continue;
        ps = copy_bytes(st, sector_addr(fl, oldest, e->off),
                        sector_addr(fl, spare, st->wp), len);
        e->sector = spare;
        e->off = st->wp;
        st->wp += (uint32_t)its_store_footprint(e->len);
    }
    if (ps == PSA_SUCCESS)
        ps = fl_sync(fl);
    if (ps == PSA_SUCCESS) {
        static const uint8_t done[4] = {0, 0, 0, 0};
        ps = fl_program(fl, sector_addr(fl, spare, ITS_SECTOR_DONE_OFF), done,
                        sizeof(done));
    }
    if (ps == PSA_SUCCESS)
        ps = fl_sync(fl);
    if (ps == PSA_SUCCESS)
        ps = fl_erase(fl, oldest);
    if (ps == PSA_SUCCESS)
        st->sector_seq[oldest] = 0;
    return ps;
}

/* Room for a record of fp bytes in the active sector. The capacity rule
 * guarantees a full rotation finds it: some sector holds at most
 * payload - largest footprint of live data (docs/its.md). */
static psa_status_t ensure_room(struct its_store *st, uint32_t fp)
{
    for (uint32_t i = 0; i <= st->fl->sector_count; i++) {
        if (st->fl->sector_size - st->wp >= fp)
            return PSA_SUCCESS;
        psa_status_t ps = advance(st);
        if (ps != PSA_SUCCESS)
            return ps;
    }
    return PSA_ERROR_STORAGE_FAILURE;
}

static psa_status_t append(struct its_store *st, const struct record_hdr *h,
                           const void *data)
{
    uint8_t raw[ITS_RECORD_HDR_SIZE];
    uint32_t fp = (uint32_t)its_store_footprint(h->len);
    psa_status_t ps = ensure_room(st, fp);
    uint32_t at;
    if (ps != PSA_SUCCESS)
        return ps;
    at = sector_addr(st->fl, st->active, st->wp);
    encode_record_hdr(raw, h);
    ps = fl_program(st->fl, at, raw, sizeof(raw));
    if (ps == PSA_SUCCESS)
        ps = fl_program(st->fl, at + ITS_RECORD_HDR_SIZE, data, h->len);
    if (ps == PSA_SUCCESS)
        ps = fl_sync(st->fl);
    return ps;
}

psa_status_t its_store_set(struct its_store *st, uint64_t key, uint32_t flags,
                           const void *data, size_t len)
{
    psa_status_t ps = check_open(st);
    bool found;
    if (ps != PSA_SUCCESS)
        return ps;
    if ((data == NULL && len > 0) || len > st->cfg.max_object_size)
        return PSA_ERROR_INVALID_ARGUMENT;
    (void)index_find(st, key, &found);
    if (!found && st->count >= st->cfg.max_objects)
        return PSA_ERROR_INSUFFICIENT_STORAGE;
    if (st->used + its_store_footprint(len) > st->capacity)
        return PSA_ERROR_INSUFFICIENT_STORAGE;

    struct record_hdr h = {
        .kind = ITS_RECORD_SET, .key = key, .seq = st->next_seq,
        .flags = flags, .len = (uint32_t)len,
        .data_crc = its_crc32(0, data, len),
    };
    ps = append(st, &h, data);
    if (ps != PSA_SUCCESS) {
        st->failed = true;
        return ps;
    }
    struct its_store_entry e = {
        .key = key, .seq = h.seq, .flags = flags, .len = h.len,
        .data_crc = h.data_crc, .sector = st->active, .off = st->wp,
        .corrupt = 0,
    };
    st->next_seq++;
    st->wp += (uint32_t)its_store_footprint(len);
    index_put(st, &e);
    return PSA_SUCCESS;
}

psa_status_t its_store_remove(struct its_store *st, uint64_t key)
{
    psa_status_t ps = check_open(st);
    bool found;
    uint32_t i;
    if (ps != PSA_SUCCESS)
        return ps;
    i = index_find(st, key, &found);
    if (!found)
        return PSA_ERROR_DOES_NOT_EXIST;
    struct record_hdr h = {
        .kind = ITS_RECORD_DEL, .key = key, .seq = st->next_seq,
        .data_crc = its_crc32(0, NULL, 0),
    };
    ps = append(st, &h, NULL);
    if (ps != PSA_SUCCESS) {
        st->failed = true;
        return ps;
    }
    st->next_seq++;
    st->wp += (uint32_t)its_store_footprint(0);
    /* append may have compacted: find the entry again. */
    i = index_find(st, key, &found);
    index_remove_at(st, i);
    return PSA_SUCCESS;
}

/* ---- reading ------------------------------------------------------------- */

static psa_status_t crc_range(const struct its_flash *fl, uint32_t addr,
                              uint32_t len, uint32_t *crc)
{
    uint8_t buf[COPY_CHUNK];
    for (uint32_t o = 0; o < len; o += COPY_CHUNK) {
        uint32_t n = len - o < COPY_CHUNK ? len - o : COPY_CHUNK;
        psa_status_t ps = fl_read(fl, addr + o, buf, n);
        if (ps != PSA_SUCCESS)
            return ps;
        *crc = its_crc32(*crc, buf, n);
    }
    return PSA_SUCCESS;
}

psa_status_t its_store_get(struct its_store *st, uint64_t key, size_t offset,
                           size_t size, void *buf, size_t *out_len)
{
    psa_status_t ps = check_open(st);
    bool found;
    if (ps != PSA_SUCCESS)
        return ps;
    if (out_len == NULL || (buf == NULL && size > 0))
        return PSA_ERROR_INVALID_ARGUMENT;
    uint32_t i = index_find(st, key, &found);
    if (!found)
        return PSA_ERROR_DOES_NOT_EXIST;
    struct its_store_entry *e = &st->index[i];
    if (offset > e->len)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (e->corrupt)
        return PSA_ERROR_DATA_CORRUPT;
    size_t n = e->len - offset < size ? e->len - offset : size;
    if (n == 0) {
        *out_len = 0;
        return PSA_SUCCESS;
    }
    uint32_t base =
        sector_addr(st->fl, e->sector, e->off + ITS_RECORD_HDR_SIZE);
    uint32_t crc = 0;
    ps = crc_range(st->fl, base, (uint32_t)offset, &crc);
    if (ps == PSA_SUCCESS)
        ps = fl_read(st->fl, base + (uint32_t)offset, buf, n);
    if (ps == PSA_SUCCESS) {
        crc = its_crc32(crc, buf, n);
        ps = crc_range(st->fl, base + (uint32_t)(offset + n),
                       e->len - (uint32_t)(offset + n), &crc);
    }
    if (ps == PSA_SUCCESS && crc != e->data_crc) {
        e->corrupt = 1;
        ps = PSA_ERROR_DATA_CORRUPT;
    }
    if (ps != PSA_SUCCESS) {
        memset(buf, 0, n);
        return ps;
    }
    *out_len = n;
    return PSA_SUCCESS;
}

psa_status_t its_store_get_info(const struct its_store *st, uint64_t key,
                                size_t *size, uint32_t *flags)
{
    bool found;
    if (st == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (st->fl == NULL)
        return PSA_ERROR_BAD_STATE;
    uint32_t i = index_find(st, key, &found);
    if (!found)
        return PSA_ERROR_DOES_NOT_EXIST;
    if (size != NULL)
        *size = st->index[i].len;
    if (flags != NULL)
        *flags = st->index[i].flags;
    return PSA_SUCCESS;
}

/* ---- iteration and usage ---------------------------------------------- */

void its_store_iter_init(struct its_store_iter *it, uint32_t owner)
{
    if (it == NULL)
        return;
    it->owner = owner;
    it->all = false;
    it->started = false;
    it->last = 0;
}

void its_store_iter_init_all(struct its_store_iter *it)
{
    its_store_iter_init(it, 0);
    if (it != NULL)
        it->all = true;
}

psa_status_t its_store_iter_next(const struct its_store *st,
                                 struct its_store_iter *it, uint64_t *key)
{
    bool found;
    uint32_t i;
    if (st == NULL || it == NULL || key == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (st->fl == NULL)
        return PSA_ERROR_BAD_STATE;
    if (!it->started) {
        i = index_find(st, (uint64_t)it->owner << 32, &found);
    } else {
        if (it->all ? it->last == UINT64_MAX : (uint32_t)it->last == UINT32_MAX)
            return PSA_ERROR_DOES_NOT_EXIST;
        i = index_find(st, it->last + 1, &found);
    }
    if (i >= st->count ||
        (!it->all && (uint32_t)(st->index[i].key >> 32) != it->owner))
        return PSA_ERROR_DOES_NOT_EXIST;
    it->started = true;
    it->last = st->index[i].key;
    *key = it->last;
    return PSA_SUCCESS;
}

psa_status_t its_store_usage(const struct its_store *st,
                             struct its_store_usage *u)
{
    if (st == NULL || u == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (st->fl == NULL)
        return PSA_ERROR_BAD_STATE;
    u->objects = st->count;
    u->max_objects = st->cfg.max_objects;
    u->data_bytes = st->data_bytes;
    u->used_bytes = st->used;
    u->capacity_bytes = st->capacity;
    u->free_bytes = st->capacity > st->used ? st->capacity - st->used : 0;
    return PSA_SUCCESS;
}

psa_status_t its_store_owner_usage(const struct its_store *st, uint32_t owner,
                                   size_t *objects, uint64_t *data_bytes,
                                   uint64_t *used_bytes)
{
    bool found;
    size_t cnt = 0;
    uint64_t data = 0, used = 0;
    if (st == NULL || objects == NULL || data_bytes == NULL ||
        used_bytes == NULL)
        return PSA_ERROR_INVALID_ARGUMENT;
    if (st->fl == NULL)
        return PSA_ERROR_BAD_STATE;
    for (uint32_t i = index_find(st, (uint64_t)owner << 32, &found);
         i < st->count && (uint32_t)(st->index[i].key >> 32) == owner; i++) {
        cnt++;
        data += st->index[i].len;
        used += its_store_footprint(st->index[i].len);
    }
    *objects = cnt;
    *data_bytes = data;
    *used_bytes = used;
    return PSA_SUCCESS;
}
