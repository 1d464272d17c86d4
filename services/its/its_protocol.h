/*
 * its_protocol.h: the wire protocol between the psa_its_* proxy and the ITS
 * partition: one request type per function on the stateless ITS service,
 * each with fixed-layout little-endian parameters in in_vec[0], written
 * and parsed with lib/codec only. The SPM copies vectors in and out; the
 * partition never sees client memory.
 */
#ifndef ITS_PROTOCOL_H
#define ITS_PROTOCOL_H

/* The stateless handle of ITS_SERVICE (SID 0x70, version 1): its manifest
 * fixes stateless_handle index 1, so the proxy, built without any
 * partition table, can name it; its_partition.c checks the two agree. */
#define ITS_PROXY_HANDLE ((psa_handle_t)0x40000100)

/* The largest asset, in bytes of data (docs/its.md, geometry). */
#define ITS_MAX_ASSET_SIZE 4096u

/* Request types (psa_call type). */
#define ITS_REQ_SET      1 /* in0 = uid u64, flags u32; in1 = data */
#define ITS_REQ_GET      2 /* in0 = uid u64, offset u64; out0 = data
                              (its size is the data_size asked for) */
#define ITS_REQ_GET_INFO 3 /* in0 = uid u64; out0 = capacity u64, size u64,
                              flags u32 */
#define ITS_REQ_REMOVE   4 /* in0 = uid u64 */
#define ITS_REQ_LIST     0x100 /* Ward extension. in0 = after u64;
                                  out0 = up to WARD_ITS_LIST_MAX uids, u64
                                  each (count = out length / 8) */

#define ITS_SET_PARAMS_SIZE  12u
#define ITS_GET_PARAMS_SIZE  16u
#define ITS_UID_PARAMS_SIZE  8u
#define ITS_INFO_REPLY_SIZE  20u

#endif /* ITS_PROTOCOL_H */
