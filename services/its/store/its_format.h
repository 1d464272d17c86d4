/*
 * its_format.h: the ITS store's on-flash layout constants and its CRC,
 * shared by the store, its tests and its fuzz target. Private to
 * services/its/store; docs/its.md is the normative description.
 */
#ifndef ITS_FORMAT_H
#define ITS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Sector header (every sector that holds data starts with it). */
#define ITS_SECTOR_MAGIC 0x53544957u /* "WITS" in little-endian bytes */
#define ITS_SECTOR_HDR_SIZE 48u      /* records start here */
#define ITS_SECTOR_CRC_SPAN 36u      /* bytes [0, 36) under the header CRC */
#define ITS_SECTOR_DONE_OFF 40u      /* GC-done word, outside the CRC */
#define ITS_GC_DONE_VALUE 0u

/* Record header; the value follows, then 0xFF padding to 4 bytes. */
#define ITS_RECORD_MAGIC 0x43455257u /* "WREC" */
#define ITS_RECORD_HDR_SIZE 40u
#define ITS_RECORD_CRC_SPAN 36u
#define ITS_RECORD_SET 1u
#define ITS_RECORD_DEL 2u
#define ITS_ALIGN 4u

/* CRC-32C (Castagnoli, reflected 0x82F63B78; check value of "123456789"
 * is 0xE3069283): chain by passing the previous result; start with 0. Uses
 * the CPU's crc32 instruction when it has one. its_crc32_soft is the table
 * version alone, for tests that both agree. */
uint32_t its_crc32(uint32_t crc, const void *data, size_t len);
uint32_t its_crc32_soft(uint32_t crc, const void *data, size_t len);

#endif /* ITS_FORMAT_H */
